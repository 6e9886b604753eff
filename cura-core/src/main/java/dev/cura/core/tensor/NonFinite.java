package dev.cura.core.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Finds NaN and infinite elements in little-endian float bytes (safetensors' byte order) by their
 * bit pattern — all exponent bits set — without converting: F32 {@code 0x7F800000}, BF16 {@code
 * 0x7F80}, F16 {@code 0x7C00}. A weight file with one of them would poison every artifact and
 * adapter made from it.
 */
public final class NonFinite {
  private static final ValueLayout.OfInt I32_LE =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private NonFinite() {}

  /**
   * The index of the first NaN or infinite element of {@code count} elements at {@code byteOffset},
   * or -1; -1 for types that cannot hold one (integers, bytes).
   */
  public static long first(DType dtype, MemorySegment src, long byteOffset, long count) {
    switch (dtype) {
      case F32 -> {
        for (long i = 0; i < count; i++) {
          if ((src.get(I32_LE, byteOffset + 4 * i) & 0x7F800000) == 0x7F800000) {
            return i;
          }
        }
      }
      case BF16 -> {
        return firstShort(src, byteOffset, count, 0x7F80);
      }
      case F16 -> {
        return firstShort(src, byteOffset, count, 0x7C00);
      }
      default -> {
        return -1;
      }
    }
    return -1;
  }

  /** What the element at {@code index} is, e.g. {@code NaN} or {@code +Infinity}. */
  public static String describe(DType dtype, MemorySegment src, long byteOffset, long index) {
    float[] one = new float[1];
    FloatConvert.toFloats(dtype, src, byteOffset + index * dtype.byteSize(), one, 0, 1);
    return Float.isNaN(one[0]) ? "NaN" : one[0] > 0 ? "+Infinity" : "-Infinity";
  }

  private static long firstShort(MemorySegment src, long byteOffset, long count, int exponent) {
    for (long i = 0; i < count; i++) {
      if ((src.get(FloatConvert.I16_LE, byteOffset + 2 * i) & exponent) == exponent) {
        return i;
      }
    }
    return -1;
  }
}
