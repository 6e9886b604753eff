package dev.cura.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.cura.core.quant.Quant4bit;
import dev.cura.core.quant.QuantType;
import dev.cura.core.tensor.DType;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Nf4WeightTest {

  /** The NDArray dequantization equals cura-core's Java dequantization bit for bit. */
  @ParameterizedTest
  @CsvSource({
    "64, 32, true", // one nested block
    "160, 130, true", // 325 blocks: crosses a nested block of 256
    "7, 13, true", // n = 91: tail block and an odd element count
    "48, 40, false" // plain float32 absmax
  })
  void denseEqualsCoreDequantization(int out, int in, boolean dq) {
    float[] w = gaussian(new SplittableRandom(out * 31L + in), out * in);
    Quant4bit.Quantized q =
        Quant4bit.quantize(w, new long[] {out, in}, DType.F32, QuantType.NF4, 64, dq);
    float[] expected = Quant4bit.dequantize(q.state(), q.packed());
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray packed = Nd.uint8(m, q.packed());
      Nf4Weight nf4 = Nf4Weight.of(m, q.state(), packed, DataType.FLOAT32);
      float[] got = nf4.dense(m).toFloatArray();
      assertArrayEquals(expected, got);
      // packed codes + 1-byte (DQ) or 4-byte block constants + the 256-entry nested map
      long n = (long) out * in;
      long blocks = (n + 63) / 64;
      long expect = (n + 1) / 2 + (dq ? blocks + 4 * ((blocks + 255) / 256) + 1024 : 4 * blocks);
      assertTrue(nf4.residentBytes() == expect, nf4.residentBytes() + " != " + expect);
    }
  }

  /**
   * A LoRA linear over the NF4 weight gives the same output and the same gradients (LoRA A, B and
   * the input) as over the dense dequantized weight: same float32 operands, so equal exactly.
   */
  @ParameterizedTest
  @CsvSource({"48, 64", "33, 20"})
  void nf4LinearForwardBackwardEqualsDensePath(int out, int in) {
    SplittableRandom rng = new SplittableRandom(9);
    float[] w = gaussian(rng, out * in);
    Quant4bit.Quantized q =
        Quant4bit.quantize(w, new long[] {out, in}, DType.F32, QuantType.NF4, 64, true);
    float[] a = gaussian(rng, 4 * in);
    float[] b = gaussian(rng, out * 4);
    float[] x = gaussian(rng, 5 * in);
    float[] gy = gaussian(rng, 5 * out);
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray packed = Nd.uint8(m, q.packed());
      LoraLinear nf4 = new LoraLinear("nf4", Nf4Weight.of(m, q.state(), packed, DataType.FLOAT32));
      float[] deq = Quant4bit.dequantize(q.state(), q.packed());
      LoraLinear dense =
          new LoraLinear("dense", new DenseWeight(m.create(deq, new Shape(out, in))));
      nf4.setLora(m, a, b, 4, 0.5, 0.0);
      dense.setLora(m, a, b, 4, 0.5, 0.0);
      float[][] r1 = run(m, nf4, x, gy, in, out);
      float[][] r2 = run(m, dense, x, gy, in, out);
      for (int i = 0; i < r1.length; i++) {
        assertArrayEquals(r2[i], r1[i], 1e-6f, "output/gradient " + i);
      }
    }
  }

  private static float[][] run(NDManager m, LoraLinear l, float[] x, float[] gy, int in, int out) {
    boolean was = Nd.gradMode(true);
    try (NDManager s = m.newSubManager()) {
      NDArray xs = s.create(x, new Shape(5, in));
      xs.setRequiresGradient(true);
      NDArray y = l.forward(xs, s, true);
      Nd.backward(y, s.create(gy, new Shape(5, out)));
      return new float[][] {
        y.toFloatArray(),
        xs.getGradient().toFloatArray(),
        l.loraA().getGradient().toFloatArray(),
        l.loraB().getGradient().toFloatArray()
      };
    } finally {
      Nd.gradMode(was);
    }
  }

  static float[] gaussian(SplittableRandom rng, int n) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] =
          (float)
              (Math.sqrt(-2 * Math.log(rng.nextDouble(1e-12, 1)))
                  * Math.cos(6.283185307 * rng.nextDouble()));
    }
    return f;
  }
}
