package dev.cura.engine.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.model.LlamaLoader;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.nn.LoraLinear;
import dev.cura.engine.nn.LoraParams;
import dev.cura.engine.testutil.RandomLlama;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The checkpointed backward (layer recompute + LoRA) against central finite differences of the
 * loss, in float64 so the differences are accurate to ~1e-9. Bound 1e-4 relative (of the largest
 * gradient component): far above float64 round-off, far below any real mistake.
 */
class GradientCheckTest {
  @Test
  void loraGradientsMatchFiniteDifferences() {
    LlamaConfig cfg = LlamaConfig.of(50, 16, 24, 2, 4, 2, false);
    LoadOptions opts = new LoadOptions(LoadOptions.Quant.NONE, Device.cpu(), DataType.FLOAT64);
    try (LlamaModel model = LlamaLoader.build(cfg, RandomLlama.weights(cfg, 7), opts);
        NDManager m = NDManager.newBaseManager()) {
      SplittableRandom rng = new SplittableRandom(3);
      for (LoraLinear l : model.linears()) {
        int r = 2;
        float[] a = new float[r * l.base().inFeatures()];
        float[] b = new float[l.base().outFeatures() * r];
        for (int i = 0; i < a.length; i++) a[i] = (float) (rng.nextDouble() - 0.5);
        for (int i = 0; i < b.length; i++) b[i] = (float) (rng.nextDouble() - 0.5);
        l.setLora(model.manager(), a, b, r, 2.0, 0.0, DataType.FLOAT64);
      }
      long[] ids = {1, 4, 9, 16, 25, 36, 49, 3, 5, 7, 11, 13};
      long[] labels = ids.clone();
      labels[0] = labels[1] = labels[2] = Batch.IGNORE; // prompt tokens
      Batch batch = new Batch(ids, labels, 2, 6);
      double norm = batch.targetTokens();
      new CheckpointedStep(model).forwardBackward(batch, norm, 1, 0, 0, m);

      List<LoraParams.Param> params = LoraParams.params(model);
      double maxErr = 0, maxGrad = 0;
      SplittableRandom pick = new SplittableRandom(5);
      for (LoraParams.Param p : params) {
        double[] grad = p.value().getGradient().toDoubleArray();
        double[] values = p.value().toDoubleArray();
        for (int probe = 0; probe < 2; probe++) {
          int i = pick.nextInt(values.length);
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
