package dev.cura.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DTypeTest {
  @Test
  void byteSizesAndNames() {
    assertEquals(4, DType.F32.byteSize());
    assertEquals(2, DType.BF16.byteSize());
    assertEquals(8, DType.I64.byteSize());
    assertEquals("bfloat16", DType.BF16.torchName());
    assertEquals(DType.F16, DType.fromTorchName("float16"));
    assertEquals(DType.BF16, DType.fromSafetensors("BF16"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DType.fromSafetensors("Q4_K"));
    assertEquals(true, e.getMessage().contains("got Q4_K"));
  }

  @Test
  void bf16RoundsToNearestEven() {
    // 1 + 2^-8 is exactly halfway between bf16 1.0 and 1.0078125: ties to even → 1.0
    assertEquals(1.0f, DType.bf16ToF32(DType.f32ToBf16(1.0f + 0x1p-8f)));
    // 1 + 3*2^-8 is halfway between 1.0078125 (odd mantissa) and 1.015625 (even) → 1.015625
    assertEquals(1.015625f, DType.bf16ToF32(DType.f32ToBf16(1.0f + 3 * 0x1p-8f)));
    // just above the midpoint rounds up
    assertEquals(1.0078125f, DType.bf16ToF32(DType.f32ToBf16(Math.nextUp(1.0f + 0x1p-8f))));
    assertEquals((short) 0x7FC0, DType.f32ToBf16(Float.NaN));
    assertEquals(Float.POSITIVE_INFINITY, DType.bf16ToF32(DType.f32ToBf16(Float.MAX_VALUE)));
    assertEquals((short) 0x8000, DType.f32ToBf16(-0.0f));
  }

  @Test
  void bulkBf16ConversionMatchesScalarForEveryBitPattern() {
    // FloatConvert's vector path (AVX-512) and scalar tail against DType.bf16ToF32
    java.lang.foreign.MemorySegment seg =
        java.lang.foreign.MemorySegment.ofArray(new byte[2 * 65536 + 6]);
    for (int i = 0; i < 65536; i++) {
      seg.set(FloatConvert.I16_LE, 2 + 2L * i, (short) i);
    }
    float[] out = new float[65536 + 1];
    FloatConvert.toFloats(DType.BF16, seg, 2, out, 1, 65536);
    for (int i = 0; i < 65536; i++) {
      assertEquals(
          Float.floatToRawIntBits(DType.bf16ToF32((short) i)),
          Float.floatToRawIntBits(out[i + 1]),
          "bf16 0x" + Integer.toHexString(i));
    }
  }

  @Test
  void f16RoundTrip() {
    assertEquals(0.333251953125f, DType.F16.roundTrip(1f / 3));
    assertEquals(65504f, DType.f16ToF32(DType.f32ToF16(65504f)));
  }
}
