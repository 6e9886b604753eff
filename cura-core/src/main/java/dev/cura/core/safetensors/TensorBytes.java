package dev.cura.core.safetensors;

import dev.cura.core.tensor.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A small tensor held in memory as its little-endian bytes (codebooks, absmax vectors, JSON blobs).
 *
 * @param dtype element type
 * @param shape dimensions
 * @param bytes {@code numel * dtype.byteSize()} bytes, little-endian
 */
public record TensorBytes(DType dtype, long[] shape, byte[] bytes) {
  public TensorBytes {
    shape = shape.clone();
    long expect = dtype.byteSizeFor(TensorInfo.numel(shape));
    if (expect != bytes.length) {
      throw new IllegalArgumentException(
          dtype + Arrays.toString(shape) + " needs " + expect + " bytes, got " + bytes.length);
    }
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  public long numel() {
    return TensorInfo.numel(shape);
  }

  public TensorSpec spec(String name) {
    return new TensorSpec(name, dtype, shape);
  }

  /** A 1-D F32 tensor of {@code v}. */
  public static TensorBytes ofFloats(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return new TensorBytes(DType.F32, new long[] {v.length}, b.array());
  }

  /** A 1-D U8 tensor of {@code v}. */
  public static TensorBytes ofBytes(byte[] v) {
    return new TensorBytes(DType.U8, new long[] {v.length}, v.clone());
  }

  /** The F32 values (dtype must be F32). */
  public float[] floats() {
    if (dtype != DType.F32) {
      throw new IllegalArgumentException("expected an F32 tensor, got " + dtype);
    }
    float[] out = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorBytes t
        && dtype == t.dtype
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(bytes, t.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return dtype + Arrays.toString(shape);
  }
}
