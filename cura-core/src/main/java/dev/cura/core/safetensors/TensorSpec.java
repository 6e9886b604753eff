package dev.cura.core.safetensors;

import dev.cura.core.tensor.DType;
import java.util.Arrays;

/**
 * A tensor to be written: name, dtype and shape (its bytes come later, streamed).
 *
 * @param name tensor name
 * @param dtype element type
 * @param shape dimensions, row-major
 */
public record TensorSpec(String name, DType dtype, long[] shape) {
  public TensorSpec {
    if (name == null || name.isEmpty() || name.equals("__metadata__")) {
      throw new IllegalArgumentException("tensor name must be non-empty and not __metadata__");
    }
    shape = shape.clone();
    TensorInfo.numel(shape); // validates
  }

  public long numel() {
    return TensorInfo.numel(shape);
  }

  public long byteSize() {
    return dtype.byteSizeFor(numel());
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec t
        && name.equals(t.name)
        && dtype == t.dtype
        && Arrays.equals(shape, t.shape);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + dtype + Arrays.toString(shape);
  }
}
