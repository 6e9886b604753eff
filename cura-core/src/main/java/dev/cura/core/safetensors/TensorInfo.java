package dev.cura.core.safetensors;

import dev.cura.core.tensor.DType;
import java.util.Arrays;

/**
 * One tensor entry of a safetensors header.
 *
 * @param name tensor name
 * @param dtype element type
 * @param shape dimensions, row-major; {@code []} is a scalar
 * @param begin first byte, relative to the start of the data section
 * @param end one past the last byte, relative to the start of the data section
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
  public TensorInfo {
    shape = shape.clone();
  }

  /** Number of elements: the product of {@link #shape} (1 for a scalar). */
  public long numel() {
    return numel(shape);
  }

  /** Bytes in the data section: {@code end - begin}. */
  public long byteSize() {
    return end - begin;
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Product of the dimensions, overflow-checked. */
  public static long numel(long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t
        && name.equals(t.name)
        && dtype == t.dtype
        && Arrays.equals(shape, t.shape)
        && begin == t.begin
        && end == t.end;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + dtype + Arrays.toString(shape) + " @[" + begin + "," + end + ")";
  }
}
