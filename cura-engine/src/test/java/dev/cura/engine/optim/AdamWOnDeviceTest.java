package dev.cura.engine.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.cura.engine.nn.Nd;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The device update equals the element-wise reference kernel bit for bit: same float32 operations
 * in the same order, each rounded once (with and without weight decay and gradient scaling, over
 * values spanning many magnitudes).
 */
class AdamWOnDeviceTest {
  @Test
  void equalsTheKernelBitForBit() {
    SplittableRandom rng = new SplittableRandom(17);
    int n = 4099;
    for (boolean decay : new boolean[] {false, true}) {
      AdamWConfig cfg = AdamWConfig.BNB_DEFAULTS.withWeightDecay(decay ? 0.01 : 0.0);
      float[] p = random(rng, n, 1);
      float[] m = random(rng, n, 1e-3);
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = (float) Math.abs(rng.nextGaussian() * 1e-6);
      }
      boolean was = Nd.gradMode(false);
      try (NDManager mgr = NDManager.newBaseManager()) {
        NDArray param = Nd.floats(mgr, p, new Shape(n));
        param.setRequiresGradient(true);
        for (int t = 1; t <= 3; t++) {
          float[] g = random(rng, n, Math.pow(10, -t - 2));
          AdamWTest.setGrad(mgr, param, g);
          AdamWKernel.Scalars s = AdamWKernel.Scalars.of(cfg, t, 2e-4 * t);
          float scale = t == 2 ? 0.37f : 1f;
          float[] dm = m.clone(), dv = v.clone();
          AdamWOnDevice.step(param, dm, dv, s, scale, decay);
          AdamWKernel.step(
              MemorySegment.ofArray(p), MemorySegment.ofArray(g), m, v, n, s, scale, decay);
          assertArrayEquals(m, dm, "m at step " + t);
          assertArrayEquals(v, dv, "v at step " + t);
          assertArrayEquals(p, param.toFloatArray(), "p at step " + t);
        }
      } finally {
        Nd.gradMode(was);
      }
    }
  }

  private static float[] random(SplittableRandom rng, int n, double scale) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (rng.nextGaussian() * scale * Math.pow(10, rng.nextInt(-2, 3)));
    }
    return a;
  }
}
