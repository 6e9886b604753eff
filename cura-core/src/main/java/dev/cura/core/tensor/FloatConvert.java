package dev.cura.core.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Bulk conversions between little-endian F32/F16/BF16 bytes (safetensors' byte order) and {@code
 * float[]}. Static and allocation-free.
 */
public final class FloatConvert {
  public static final ValueLayout.OfFloat F32_LE =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  public static final ValueLayout.OfShort I16_LE =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  /** The vector path needs 512-bit int vectors (AVX-512); elsewhere the scalar loop runs. */
  private static final boolean VECTOR_BF16 = IntVector.SPECIES_PREFERRED.vectorBitSize() >= 512;

  private FloatConvert() {}

  /**
   * Reads {@code count} elements of type {@code dtype} starting at byte {@code srcOffset} of {@code
   * src} into {@code dst[dstOffset ..]} as f32 (exact for all three types).
   */
  public static void toFloats(
      DType dtype, MemorySegment src, long srcOffset, float[] dst, int dstOffset, int count) {
    switch (dtype) {
      case F32 -> MemorySegment.copy(src, F32_LE, srcOffset, dst, dstOffset, count);
      case BF16 -> {
        int i = 0;
        if (VECTOR_BF16) {
          // 16 bf16 → 16 ints (sign-extended; the high half is shifted out) → f32 bits
          for (; i + 16 <= count; i += 16) {
            ShortVector sv =
                ShortVector.fromMemorySegment(
                    ShortVector.SPECIES_256, src, srcOffset + 2L * i, ByteOrder.LITTLE_ENDIAN);
            IntVector iv =
                (IntVector) sv.convertShape(VectorOperators.S2I, IntVector.SPECIES_512, 0);
            iv.lanewise(VectorOperators.LSHL, 16)
                .reinterpretAsFloats()
                .intoArray(dst, dstOffset + i);
          }
        }
        for (; i < count; i++) {
          short s = src.get(I16_LE, srcOffset + 2L * i);
          dst[dstOffset + i] = Float.intBitsToFloat((s & 0xFFFF) << 16);
        }
      }
      case F16 -> {
        for (int i = 0; i < count; i++) {
          dst[dstOffset + i] = Float.float16ToFloat(src.get(I16_LE, srcOffset + 2L * i));
        }
      }
      default ->
          throw new IllegalArgumentException(
              "expected an F32, F16 or BF16 tensor to read as floats, got " + dtype);
    }
  }

  /**
   * Writes {@code count} floats from {@code src[srcOffset ..]} as {@code dtype} into {@code dst} at
   * byte {@code dstOffset} (bf16/f16 round to nearest even, as PyTorch's {@code .to()}).
   */
  public static void fromFloats(
      DType dtype, float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
    switch (dtype) {
      case F32 -> MemorySegment.copy(src, srcOffset, dst, F32_LE, dstOffset, count);
      case BF16 -> {
        for (int i = 0; i < count; i++) {
          dst.set(I16_LE, dstOffset + 2L * i, DType.f32ToBf16(src[srcOffset + i]));
        }
      }
      case F16 -> {
        for (int i = 0; i < count; i++) {
          dst.set(I16_LE, dstOffset + 2L * i, Float.floatToFloat16(src[srcOffset + i]));
        }
      }
      default ->
          throw new IllegalArgumentException(
              "expected F32, F16 or BF16 as the target of a float write, got " + dtype);
    }
  }
}
