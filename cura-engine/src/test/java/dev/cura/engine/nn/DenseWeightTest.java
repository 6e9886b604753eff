package dev.cura.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import java.util.function.IntBinaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A weight stored in another dtype than its input (the benches' bf16 lm_head under float32 compute,
 * or fp16) multiplies in its own dtype: the output and the input's gradient come back in the
 * input's dtype and equal the exact product up to the 16-bit rounding of the operands and the
 * result (unit roundoff u = 2⁻⁸ for bf16, 2⁻¹¹ for fp16, each; so a bound of 4u of the sum of
 * |terms|).
 */
class DenseWeightTest {
  @ParameterizedTest
  @CsvSource({"BFLOAT16, 8", "FLOAT16, 11"})
  void mixedDtypeWeightMultipliesInItsOwnDtype(String stored, int mantissaBits) {
    DataType type = DataType.valueOf(stored);
    int rows = 5, in = 24, out = 40;
    SplittableRandom rng = new SplittableRandom(11);
    float[] w = Nf4WeightTest.gaussian(rng, out * in);
    float[] x = Nf4WeightTest.gaussian(rng, rows * in);
    float[] gy = Nf4WeightTest.gaussian(rng, rows * out);
    try (NDManager m = NDManager.newBaseManager()) { // loads libtorch before the grad mode is set
      boolean was = Nd.gradMode(true);
      try {
        NDArray w16 = Nd.cast(m, Nd.floats(m, w, new Shape(out, in)), type);
        DenseWeight dense = new DenseWeight(w16);
        float[] wq = Nd.cast(m, w16, DataType.FLOAT32).toFloatArray(); // W as stored
        NDArray xs = Nd.floats(m, x, new Shape(rows, in));
        xs.setRequiresGradient(true);
        NDArray y = dense.apply(xs, m);
        assertEquals(DataType.FLOAT32, Nd.dtype(y));
        Nd.backward(y, Nd.floats(m, gy, new Shape(rows, out)));
        NDArray gx = xs.getGradient();
        assertEquals(DataType.FLOAT32, Nd.dtype(gx));
        assertEquals(type, Nd.dtype(w16), "W keeps its dtype");
        float[] ys = y.toFloatArray();
        float[] gxs = gx.toFloatArray();
        double tol = 4 * Math.pow(2, -mantissaBits);
        // y = x·Wᵀ and dx = gy·W, against float64 sums over W as stored
        assertProduct("y", x, in, wq, (o, i) -> o * in + i, ys, rows, out, tol);
        assertProduct("dx", gy, out, wq, (i, o) -> o * in + i, gxs, rows, in, tol);
      } finally {
        Nd.gradMode(was);
      }
    }
  }

  /**
   * {@code actual[r, c] = Σ_k a[r, k] · w[index(c, k)]} for every row and column, within {@code
   * tol} of the sum of the terms' magnitudes.
   */
  static void assertProduct(
      String name,
      float[] a,
      int k,
      float[] w,
      IntBinaryOperator index,
      float[] actual,
      int rows,
      int cols,
      double tol) {
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        double exact = 0, mag = 0;
        for (int j = 0; j < k; j++) {
          double term = (double) a[r * k + j] * w[index.applyAsInt(c, j)];
          exact += term;
          mag += Math.abs(term);
        }
        assertEquals(exact, actual[r * cols + c], tol * mag, name + "[" + r + ", " + c + "]");
      }
    }
  }
}
