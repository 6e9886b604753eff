package dev.cura.core.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cura.core.tensor.DType;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Packing order, ties, code tables, and fast path == scalar reference. */
class Blockwise4bitTest {
  @Test
  void highNibbleHoldsTheEvenElement() {
    // [1.0, 0.0] → codes [15, 7] → 0xF7; odd n pads the low nibble with code(0) = 7
    float[] x = {1.0f, 0.0f, -1.0f};
    Quant4bit.Quantized q =
        Quant4bit.quantize(x, new long[] {3}, DType.F32, QuantType.NF4, 64, false);
    assertArrayEquals(new byte[] {(byte) 0xF7, (byte) 0x07}, q.packed());
    assertArrayEquals(new long[] {2, 1}, q.state().packedShape());
  }

  @Test
  void exactMidpointGoesToTheLowerCode() {
    float[] mids = QuantType.NF4.midpoints();
    for (int i = 0; i < 15; i++) {
      assertEquals(i, QuantType.NF4.quantizeScaled(mids[i]), "tie at midpoint " + i);
      assertEquals(i + 1, QuantType.NF4.quantizeScaled(Math.nextUp(mids[i])));
      assertEquals(i, QuantType.NF4.quantizeScaled(Math.nextDown(mids[i])));
    }
    // the float32 midpoints equal the CUDA kernel's decimal thresholds rounded via double
    // (QLORA-SPEC §1.3). Note: rounding those decimals straight to float (an 'f' literal) gives a
    // value 1 ulp away for 4 of the 15 (-0.848…, 0.1202…, 0.5016…, 0.8614…).
    assertEquals((float) 0.03979014977812767, mids[7]);
    assertEquals((float) -0.8480964004993439, mids[0]);
    assertEquals((float) 0.8614784181118011, mids[14]);
    assertEquals(Math.nextUp(-0.8480964004993439f), mids[0]);
  }

  @Test
  void allZeroBlockGetsTheZeroCode() {
    // default/CPU backend: absmax clamped to 1e-38 → scaled 0 → code 7 (CUDA would give 0)
    Quant4bit.Quantized q =
        Quant4bit.quantize(new float[64], new long[] {64}, DType.F32, QuantType.NF4, 64, false);
    for (byte b : q.packed()) {
      assertEquals((byte) 0x77, b);
    }
    assertEquals(0f, Quant4bit.dequantize(q.state(), q.packed())[5]);
  }

  @Test
  void fp4Table() {
    float[] raw = {0, 0.0625f, 8, 12, 4, 6, 2, 3, -0f, -0.0625f, -8, -12, -4, -6, -2, -3};
    float[] code = QuantType.FP4.code();
    for (int i = 0; i < 16; i++) {
      assertEquals(raw[i] / 12f, code[i], 0f, "fp4 code " + i);
      assertEquals(i >= 8, (Float.floatToRawIntBits(code[i]) < 0), "sign bit of code " + i);
    }
    assertEquals(3, QuantType.FP4.quantizeScaled(1.0f));
    assertEquals(11, QuantType.FP4.quantizeScaled(-1.0f));
    assertEquals(0, QuantType.FP4.quantizeScaled(0f)); // stable sort: +0 (code 0) before -0
    assertEquals(8, QuantType.FP4.quantizeScaled(1e-4f)); // (0, 0.0026] lands on -0 (code 8)
    assertEquals(7, QuantType.FP4.quantizeScaled(0.25f));
  }

  @Test
  void blocksizeValidated() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> QuantType.checkBlocksize(48));
    assertEquals(
        "blocksize must be one of 32, 64, 128, 256, 512, 1024, 2048, 4096, got 48", e.getMessage());
  }

  @Test
  void fastPathEqualsReferenceEverywhere() {
    Random rnd = new Random(42);
    for (QuantType t : QuantType.values()) {
      for (int b : QuantType.BLOCKSIZES) {
        for (int n : new int[] {1, 2, b - 1, b, b + 1, 3 * b + 17, 70_001}) {
          float[] x = new float[n];
          for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian() * (i % 5 == 0 ? 10f : 0.02f);
          }
          // sprinkle exact ties: a block's first element sets absmax 1, then midpoints
          if (n >= b) {
            x[0] = 1f;
            float[] mids = t.midpoints();
            for (int i = 0; i < Math.min(b - 1, mids.length); i++) {
              x[1 + i] = mids[i];
            }
          }
          if (n >= 3 * b) {
            java.util.Arrays.fill(x, b, 2 * b, 0f); // an all-zero block
          }
          int blocks = (int) QuantType.blocks(n, b);
          byte[] p1 = new byte[(n + 1) / 2];
          byte[] p2 = new byte[(n + 1) / 2];
          float[] a1 = new float[blocks];
          float[] a2 = new float[blocks];
          Blockwise4bit.quantize(t, b, x, 0, n, p1, 0, a1, 0);
          Blockwise4bitReference.quantize(t, b, x, 0, n, p2, 0, a2, 0);
          String what = t + " B=" + b + " n=" + n;
          assertArrayEquals(p2, p1, what);
          assertArrayEquals(a2, a1, what);
          float[] d1 = new float[n];
          float[] d2 = new float[n];
          Blockwise4bit.dequantize(t, b, p1, 0, a1, 0, d1, 0, n);
          Blockwise4bitReference.dequantize(t, b, p1, 0, a1, 0, d2, 0, n);
          assertArrayEquals(d2, d1, what);
        }
      }
    }
  }

  @Test
  void chunkedQuantizationEqualsWholeTensor() {
    // the streaming quantizer feeds block-aligned chunks; results must not depend on chunking
    Random rnd = new Random(3);
    int n = 64 * 1000 + 11;
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    byte[] whole = new byte[(n + 1) / 2];
    float[] wa = new float[(int) QuantType.blocks(n, 64)];
    Blockwise4bit.quantize(QuantType.NF4, 64, x, 0, n, whole, 0, wa, 0);
    byte[] chunked = new byte[(n + 1) / 2];
    float[] ca = new float[wa.length];
    int chunk = 64 * 37;
    for (int off = 0; off < n; off += chunk) {
      int len = Math.min(chunk, n - off);
      Blockwise4bit.quantize(QuantType.NF4, 64, x, off, len, chunked, off / 2, ca, off / 64);
    }
    assertArrayEquals(whole, chunked);
    assertArrayEquals(wa, ca);
  }
}
