package dev.cura.core.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** bucketize (branch-free for 2^k − 1 midpoints, binary search otherwise) == a linear count. */
class CodebookTest {
  static int count(float x, float[] mids) {
    int c = 0;
    for (float m : mids) {
      c += m < x ? 1 : 0;
    }
    return c;
  }

  @Test
  void equalsLinearCountIncludingTies() {
    Random r = new Random(9);
    float[][] tables = {
      QuantType.NF4.midpoints(),
      QuantType.FP4.midpoints(),
      Codebook.midpoints(DynamicMap.signed()),
      Codebook.midpoints(DynamicMap.unsigned()),
      Codebook.midpoints(new float[] {-1f, -0.5f, 0f, 0.1f, 0.2f, 0.7f, 0.9f, 1f, 1.5f, 2f, 3f})
    };
    for (float[] mids : tables) {
      for (float m : mids) {
        for (float x : new float[] {m, Math.nextUp(m), Math.nextDown(m)}) {
          assertEquals(count(x, mids), Codebook.bucketize(x, mids), "x=" + x);
        }
      }
      for (int i = 0; i < 20_000; i++) {
        float x = (float) (r.nextDouble() * 2.2 - 1.1) * (i % 3 == 0 ? 1e-5f : 1f);
        assertEquals(count(x, mids), Codebook.bucketize(x, mids), "x=" + x);
      }
      assertEquals(0, Codebook.bucketize(-2f, mids));
      assertEquals(mids.length, Codebook.bucketize(5f, mids));
    }
  }
}
