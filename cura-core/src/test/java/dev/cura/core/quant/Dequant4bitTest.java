package dev.cura.core.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The native-memory kernel against {@link Blockwise4bitReference#dequantize} (the oracle, itself
 * checked against bitsandbytes' goldens in {@link GoldenBnbTest}): bit for bit in float32, and in
 * bf16 equal to the reference's float32 rounded to nearest even — on the vector path this machine
 * takes and on the scalar path narrower machines take, for both 4-bit types, plain and
 * double-quantized block constants, several block sizes and thread counts.
 */
class Dequant4bitTest {
  @ParameterizedTest
  @CsvSource({
    "NF4, 64, 37, 1, true", "NF4, 64, 300, 2, true", "FP4, 64, 300, 2, true",
    "NF4, 128, 40, 3, false", "NF4, 32, 513, 2, true", "FP4, 4096, 3, 2, false"
  })
  void matchesTheReferenceBitForBit(
      String typeName, int blocksize, int blocks, int threads, boolean nested) {
    QuantType type = QuantType.valueOf(typeName);
    int n = blocksize * blocks;
    SplittableRandom rng = new SplittableRandom(blocksize * 31L + blocks);
    byte[] packed = new byte[n / 2];
    for (int i = 0; i < packed.length; i++) {
      packed[i] = (byte) rng.nextInt(256);
    }
    float[] absmax;
    Dequant4bit.Scales scales;
    try (Arena arena = Arena.ofShared()) {
      if (nested) {
        float[] raw = new float[blocks];
        for (int b = 0; b < blocks; b++) {
          raw[b] = (float) (0.001 + rng.nextDouble() * 0.2);
        }
        DoubleQuant.Nested dq = DoubleQuant.quantize(raw, blocks);
        absmax = DoubleQuant.dequantize(dq.qabsmax(), dq.nestedAbsmax(), dq.offset());
        scales =
            Dequant4bit.Scales.nested(
                copy(arena, dq.qabsmax()),
                DynamicMap.signedShared(),
                dq.nestedAbsmax(),
                dq.offset(),
                DoubleQuant.NESTED_BLOCKSIZE);
      } else {
        absmax = new float[blocks];
        for (int b = 0; b < blocks; b++) {
          absmax[b] = (float) (rng.nextDouble() * 3 - 1); // negative scales too
        }
        scales = Dequant4bit.Scales.plain(copy(arena, absmax));
      }
      float[] expected = new float[n];
      Blockwise4bitReference.dequantize(type, blocksize, packed, 0, absmax, 0, expected, 0, n);
      MemorySegment codes = copy(arena, packed);
      for (boolean vector : new boolean[] {true, false}) {
        MemorySegment f32 = arena.allocate(4L * n);
        MemorySegment bf16 = arena.allocate(2L * n);
        run(type, blocksize, codes, scales, f32, Dequant4bit.Out.FLOAT32, n, threads, vector);
        run(type, blocksize, codes, scales, bf16, Dequant4bit.Out.BFLOAT16, n, threads, vector);
        for (int i = 0; i < n; i++) {
          float got = f32.getAtIndex(ValueLayout.JAVA_FLOAT, i);
          assertEquals(
              Float.floatToRawIntBits(expected[i]),
              Float.floatToRawIntBits(got),
              (vector ? "vector" : "scalar")
                  + " float32 ["
                  + i
                  + "]: "
                  + expected[i]
                  + " vs "
                  + got);
          assertEquals(
              rneBf16(expected[i]),
              bf16.getAtIndex(ValueLayout.JAVA_SHORT, i),
              (vector ? "vector" : "scalar") + " bf16 [" + i + "] of " + expected[i]);
        }
      }
    }
  }

  /** Round to nearest even, written out: keep 16 bits, look at the 16 dropped. */
  private static short rneBf16(float v) {
    int bits = Float.floatToRawIntBits(v);
    int kept = bits >>> 16;
    int dropped = bits & 0xFFFF;
    if (dropped > 0x8000 || (dropped == 0x8000 && (kept & 1) == 1)) {
      kept++;
    }
    return (short) kept;
  }

  @Test
  void roundsTiesToEven() {
    assertEquals((short) 0x3F80, Dequant4bit.bf16(Float.intBitsToFloat(0x3F808000))); // even: down
    assertEquals((short) 0x3F82, Dequant4bit.bf16(Float.intBitsToFloat(0x3F818000))); // odd: up
    assertEquals((short) 0x3F81, Dequant4bit.bf16(Float.intBitsToFloat(0x3F808001)));
  }

  @Test
  void refusesWhatDoesNotFitBeforeWriting() {
    try (Arena arena = Arena.ofShared()) {
      MemorySegment packed = arena.allocate(32);
      MemorySegment out = arena.allocate(4 * 64);
      var scales = Dequant4bit.Scales.plain(arena.allocate(4));
      assertEquals(
          "the output must hold 256 bytes, got 252",
          refusal(64, packed, scales, arena.allocate(4 * 63), 64, 2));
      assertEquals(
          "packed codes must hold 32 bytes, got 31",
          refusal(64, arena.allocate(31), scales, out, 64, 1));
      assertEquals(
          "n (48) must be whole blocks of a multiple of 32, got blocksize 48",
          refusal(48, packed, scales, out, 48, 1));
      assertEquals(
          "block constants must hold 2 blocks, got 1",
          refusal(64, arena.allocate(64), scales, arena.allocate(512), 128, 1));
    }
  }

  /** The message of the refusal of a float32 NF4 dequantization with these operands. */
  private static String refusal(
      int blocksize,
      MemorySegment packed,
      Dequant4bit.Scales scales,
      MemorySegment out,
      long n,
      int threads) {
    return assertThrows(
            IllegalArgumentException.class,
            () ->
                Dequant4bit.dequantize(
                    QuantType.NF4.code(),
                    blocksize,
                    packed,
                    scales,
                    out,
                    Dequant4bit.Out.FLOAT32,
                    n,
                    threads))
        .getMessage();
  }

  private static void run(
      QuantType type,
      int blocksize,
      MemorySegment codes,
      Dequant4bit.Scales scales,
      MemorySegment out,
      Dequant4bit.Out kind,
      int n,
      int threads,
      boolean vector) {
    if (vector) {
      Dequant4bit.dequantize(type.code(), blocksize, codes, scales, out, kind, n, threads);
    } else {
      new Dequant4bit.Kernel(type.code(), blocksize, codes, scales, out, kind)
          .scalar(0, n / blocksize);
    }
  }

  private static MemorySegment copy(Arena arena, byte[] b) {
    MemorySegment s = arena.allocate(b.length);
    MemorySegment.copy(MemorySegment.ofArray(b), 0, s, 0, b.length);
    return s;
  }

  private static MemorySegment copy(Arena arena, float[] f) {
    MemorySegment s = arena.allocate(4L * f.length);
    MemorySegment.copy(MemorySegment.ofArray(f), 0, s, 0, 4L * f.length);
    return s;
  }
}
