package dev.cura.engine.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.cura.engine.nn.LoraParams;
import dev.cura.engine.testutil.FiniteDifferences;
import dev.cura.engine.testutil.RandomLlama;
import dev.cura.engine.train.Batch;
import dev.cura.engine.train.CheckpointedStep;
import dev.cura.engine.train.GradientCheckTest;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The training step's gradients on every family's checkpoint (the transformers-saved ones {@link
 * FamilyGoldenTest} checks the logits of) against central finite differences of the loss, in
 * float64: what each family adds to the head and the layers — Gemma-2's final and attention
 * soft-caps, Phi-3's fused projections, Qwen's biases, sliding windows — is differentiated by the
 * step's hand-written loss gradient ({@code CausalLmLoss.lossWithGradientInPlace}, written over the
 * logits' storage) and autograd, and compared with the loss itself. Bound: {@link
 * FiniteDifferences}' 1e-4 relative.
 */
class FamilyGradientCheckTest {
  @ParameterizedTest
  @MethodSource("dev.cura.engine.model.FamilyGoldenTest#cases")
  void loraGradientsMatchFiniteDifferences(String name) throws Exception {
    Path dir = FamilyGoldenTest.root().resolve(name);
    LoadOptions opts = LoadOptions.cpu(LoadOptions.Quant.NONE).withComputeDtype(DataType.FLOAT64);
    try (LlamaModel model = LlamaLoader.load(dir, opts);
        NDManager m = NDManager.newBaseManager()) {
      SplittableRandom rng = new SplittableRandom(11);
      RandomLlama.randomLora(model, rng, 0.2f, DataType.FLOAT64);
      int vocab = model.config().vocabSize();
      long[] ids = new long[2 * 7];
      for (int i = 0; i < ids.length; i++) ids[i] = rng.nextInt(vocab);
      long[] labels = ids.clone();
      labels[0] = labels[1] = labels[7] = Batch.IGNORE; // prompt tokens of both rows
      Batch batch = new Batch(ids, labels, 2, 7);
      new CheckpointedStep(model).forwardBackward(batch, batch.targetTokens(), 1, 0, 0, m);

      SplittableRandom pick = new SplittableRandom(5);
      ToIntFunction<double[]> random = grad -> pick.nextInt(grad.length);
      FiniteDifferences.assertGradients(
          model, batch, LoraParams.params(model), GradientCheckTest.probes(random, random), m);
    }
  }
}
