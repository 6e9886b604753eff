package dev.cura.engine.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.model.LlamaLoader;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.nn.LoraParams;
import dev.cura.engine.testutil.FiniteDifferences;
import dev.cura.engine.testutil.RandomLlama;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/**
 * The checkpointed backward (layer recompute + LoRA) against central finite differences of the
 * loss, in float64 so the differences are accurate to ~1e-9. Bound 1e-4 relative (of the largest
 * gradient component): far above float64 round-off, far below any real mistake.
 */
public class GradientCheckTest {
  @Test
  void loraGradientsMatchFiniteDifferences() {
    LlamaConfig cfg = LlamaConfig.of(50, 16, 24, 2, 4, 2, false);
    LoadOptions opts = new LoadOptions(LoadOptions.Quant.NONE, Device.cpu(), DataType.FLOAT64);
    try (LlamaModel model = LlamaLoader.build(cfg, RandomLlama.weights(cfg, 7), opts);
        NDManager m = NDManager.newBaseManager()) {
      SplittableRandom rng = new SplittableRandom(3);
      RandomLlama.randomLora(model, rng, 1f, DataType.FLOAT64);
      long[] ids = {1, 4, 9, 16, 25, 36, 49, 3, 5, 7, 11, 13};
      long[] labels = ids.clone();
      labels[0] = labels[1] = labels[2] = Batch.IGNORE; // prompt tokens
      Batch batch = new Batch(ids, labels, 2, 6);
      double norm = batch.targetTokens();
      new CheckpointedStep(model).forwardBackward(batch, norm, 1, 0, 0, m);

      SplittableRandom pick = new SplittableRandom(5);
      ToIntFunction<double[]> random = grad -> pick.nextInt(grad.length);
      FiniteDifferences.assertGradients(
          model, batch, LoraParams.params(model), probes(random, random), m);
    }
  }

  @SafeVarargs
  public static ToIntFunction<double[]>[] probes(ToIntFunction<double[]>... p) {
    return p;
  }
}
