package dev.cura.engine.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.cura.engine.nn.LoraParams;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdamW8bitTest {
  /**
   * After several steps on the same gradients, the 8-bit optimizer's dequantized states match the
   * 32-bit states with fewer than 20 elements outside atol 3e-3 / rtol 1e-3 (bitsandbytes'
   * test_optim 8-bit blockwise bound, QLORA-SPEC §10.2), and the parameters stay close.
   */
  @Test
  void eightBitStatesWithinBitsandbytesToleranceOf32Bit() {
    int n = 16_384;
    try (NDManager m = NDManager.newBaseManager()) {
      SplittableRandom rng = new SplittableRandom(4);
      float[] init = AdamWTest.randoms(rng, n);
      NDArray p32 = m.create(init);
      NDArray p8 = m.create(init.clone());
      p32.setRequiresGradient(true);
      p8.setRequiresGradient(true);
      var a = List.of(new LoraParams.Param("w", p32));
      var b = List.of(new LoraParams.Param("w", p8));
      HeapStates heap = new HeapStates();
      AdamW8bit eight = new AdamW8bit(AdamWConfig.BNB_DEFAULTS, new HeapStates());
      try (AdamW32 full = new AdamW32(AdamWConfig.BNB_DEFAULTS, heap)) {
        for (int step = 0; step < 5; step++) {
          float[] g = AdamWTest.randoms(rng, n);
          for (int i = 0; i < n; i++) {
            g[i] *= 0.1f;
          }
          AdamWTest.setGrad(m, p32, g);
          AdamWTest.setGrad(m, p8, g);
          full.step(a, 1e-3, 1f);
          eight.step(b, 1e-3, 1f);
        }
        float[] m32 = full.moments("w")[0];
        float[] v32 = full.moments("w")[1];
        float[][] q = eight.moments("w");
        int badM = 0, badV = 0;
        for (int i = 0; i < n; i++) {
          badM += Math.abs(q[0][i] - m32[i]) > 3e-3 + 1e-3 * Math.abs(m32[i]) ? 1 : 0;
          badV += Math.abs(q[1][i] - v32[i]) > 3e-3 + 1e-3 * Math.abs(v32[i]) ? 1 : 0;
        }
        assertTrue(badM < 20 && badV < 20, "outside tolerance: m " + badM + ", v " + badV);
        // and relative to their own scale: the dynamic map's top decade has 1/128 resolution
        double errM = 0, sumM = 0, errV = 0, sumV = 0;
        for (int i = 0; i < n; i++) {
          errM += Math.abs(q[0][i] - m32[i]);
          sumM += Math.abs(m32[i]);
          errV += Math.abs(q[1][i] - v32[i]);
          sumV += Math.abs(v32[i]);
        }
        assertTrue(errM / sumM < 0.02 && errV / sumV < 0.02, errM / sumM + " " + errV / sumV);
        float[] x = p32.toFloatArray();
        float[] y = p8.toFloatArray();
        double maxDiff = 0;
        for (int i = 0; i < n; i++) {
          maxDiff = Math.max(maxDiff, Math.abs(x[i] - y[i]));
        }
        // 5 steps of at most lr = 1e-3 each: parameters may not drift more than the total step
        assertTrue(maxDiff < 5e-3, "parameters drifted " + maxDiff);
        assertTrue(eight.residentStateBytes() < heap.residentBytes() / 3);
      }
    }
  }

  @Test
  void stateRoundTrips(@TempDir Path dir) throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      SplittableRandom rng = new SplittableRandom(5);
      float[] init = AdamWTest.randoms(rng, 5000);
      NDArray p = m.create(init);
      NDArray q = m.create(init.clone());
      NDArray small = m.create(new float[] {1, 2, 3});
      NDArray small2 = m.create(new float[] {1, 2, 3});
      for (NDArray x : List.of(p, q, small, small2)) {
        x.setRequiresGradient(true);
      }
      var pp = List.of(new LoraParams.Param("p", p), new LoraParams.Param("s", small));
      var qq = List.of(new LoraParams.Param("p", q), new LoraParams.Param("s", small2));
      AdamW8bit a = new AdamW8bit(AdamWConfig.BNB_DEFAULTS, new HeapStates());
      AdamW8bit b = new AdamW8bit(AdamWConfig.BNB_DEFAULTS, new HeapStates());
      float[] g = AdamWTest.randoms(rng, 5000);
      AdamWTest.setGrad(m, p, g);
      AdamWTest.setGrad(m, small, new float[] {0.1f, 0.2f, 0.3f});
      a.step(pp, 1e-2, 1f);
      a.save(dir.resolve("o.safetensors"));
      q.set(p.toFloatArray());
      small2.set(small.toFloatArray());
      b.load(dir.resolve("o.safetensors"), qq);
      AdamWTest.setGrad(m, p, g);
      AdamWTest.setGrad(m, q, g);
      AdamWTest.setGrad(m, small, new float[] {0.1f, 0.2f, 0.3f});
      AdamWTest.setGrad(m, small2, new float[] {0.1f, 0.2f, 0.3f});
      a.step(pp, 1e-2, 1f);
      b.step(qq, 1e-2, 1f);
      assertArrayEquals(p.toFloatArray(), q.toFloatArray());
      assertArrayEquals(small.toFloatArray(), small2.toFloatArray());
    }
  }

  /**
   * {@code paged_adamw_8bit} really pages: its 8-bit states live in the page file under a resident
   * budget of one page, pages are evicted and brought back (paged bytes counted), and the updates
   * are identical to the same 8-bit optimizer on the heap.
   */
  @Test
  void pagedEightBitIsIdenticalToHeapEightBitAndCountsItsPaging(@TempDir Path dir)
      throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      SplittableRandom rng = new SplittableRandom(12);
      // 8-bit slots of ~2.4 MB each (codes + absmax) against a 4 MiB budget: pages must evict
      int[] sizes = {1_200_000, 7, 1_200_000};
      List<LoraParams.Param> a = AdamWTest.params(m, rng, sizes);
      List<LoraParams.Param> b = AdamWTest.twin(m, a);
      try (Optimizer heap = OptimizerKind.ADAMW_32BIT.create(AdamWConfig.BNB_DEFAULTS, dir, 0);
          Optimizer heap8 = new AdamW8bit(AdamWConfig.BNB_DEFAULTS, new HeapStates());
          Optimizer paged8 =
              OptimizerKind.PAGED_ADAMW_8BIT.create(
                  AdamWConfig.BNB_DEFAULTS, dir, PagedStates.PAGE)) {
        long before = 0;
        for (int step = 0; step < 3; step++) {
          AdamWTest.sameGrads(m, rng, a, b);
          heap8.step(a, 1e-3, 1f);
          paged8.step(b, 1e-3, 1f);
          assertTrue(paged8.residentStateBytes() <= PagedStates.PAGE, "resident budget exceeded");
          assertTrue(paged8.pagedBytes() > before, "step " + step + " paged nothing");
          before = paged8.pagedBytes();
        }
        for (int i = 0; i < sizes.length; i++) {
          assertArrayEquals(a.get(i).value().toFloatArray(), b.get(i).value().toFloatArray());
        }
        assertEquals(0, heap8.pagedBytes(), "heap states never page");
        assertEquals(0, heap.pagedBytes());
        assertTrue(
            heap8.residentStateBytes() > PagedStates.PAGE,
            "the states outgrow the budget, yet the paged optimizer kept within it");
      }
    }
  }
}
