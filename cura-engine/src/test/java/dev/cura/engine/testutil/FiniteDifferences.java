package dev.cura.engine.testutil;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.nn.LoraParams;
import dev.cura.engine.train.Batch;
import dev.cura.engine.train.CausalLmLoss;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Checks back-propagated gradients against central finite differences of the loss (float64 models:
 * differences accurate to ~1e-9). Bound 1e-4 relative to the largest gradient component probed: far
 * above float64 round-off, far below any real mistake.
 */
public final class FiniteDifferences {
  private FiniteDifferences() {}

  /**
   * For every parameter, compares {@code .grad} at the indices {@code probes} picks with (L(x+h) −
   * L(x−h)) / 2h, L the mean causal-LM loss of {@code batch} through {@code model.logits}.
   */
  public static void assertGradients(
      LlamaModel model,
      Batch batch,
      List<LoraParams.Param> params,
      ToIntFunction<double[]>[] probes,
      NDManager m) {
    double maxErr = 0, maxGrad = 0;
    for (LoraParams.Param p : params) {
      double[] grad = p.value().getGradient().toDoubleArray();
      double[] values = p.value().toDoubleArray();
      for (ToIntFunction<double[]> probe : probes) {
        int i = probe.applyAsInt(grad);
        double h = 1e-5;
        double up = loss(model, batch, p.value(), values, i, values[i] + h, m);
        double down = loss(model, batch, p.value(), values, i, values[i] - h, m);
        p.value().set(values);
        double fd = (up - down) / (2 * h);
        maxErr = Math.max(maxErr, Math.abs(fd - grad[i]));
        maxGrad = Math.max(maxGrad, Math.abs(grad[i]));
      }
    }
    assertTrue(maxGrad > 1e-3, "gradients are degenerate: " + maxGrad);
    assertTrue(maxErr / maxGrad < 1e-4, "max |fd − grad| " + maxErr + " of max " + maxGrad);
  }

  private static double loss(
      LlamaModel model, Batch batch, NDArray param, double[] values, int i, double v, NDManager m) {
    double[] changed = values.clone();
    changed[i] = v;
    param.set(changed);
    try (NDManager s = m.newSubManager()) {
      NDArray ids = s.create(batch.ids(), new Shape(batch.batch(), batch.length()));
      NDArray logits = model.logits(ids, s);
      return CausalLmLoss.compute(logits, batch, batch.targetTokens(), s).getDouble();
    }
  }
}
