package dev.cura.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.cura.engine.nn.LoraParams;
import dev.cura.engine.nn.Nd;
import dev.cura.engine.testutil.FiniteDifferences;
import dev.cura.engine.testutil.RandomLlama;
import dev.cura.engine.train.Batch;
import dev.cura.engine.train.CausalLmLoss;
import dev.cura.engine.train.GradientCheckTest;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link LlamaModel#trainAllParameters}: the one forward, recorded, back-propagates into every
 * weight — checked against central finite differences of the loss in float64 ({@link
 * FiniteDifferences}, as the LoRA gradient check).
 */
class FullParameterModeTest {
  static final long[] IDS = {1, 4, 9, 16, 25, 36, 49, 3, 5, 7, 11, 13};

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void everyWeightGetsTheGradientOfTheLoss(boolean tied) {
    LlamaConfig cfg = LlamaConfig.of(50, 16, 24, 2, 4, 2, tied);
    LoadOptions f64 = new LoadOptions(LoadOptions.Quant.NONE, Device.cpu(), DataType.FLOAT64);
    try (LlamaModel model = LlamaLoader.build(cfg, RandomLlama.weights(cfg, 7), f64);
        NDManager m = NDManager.newBaseManager()) {
      List<LoraParams.Param> params = model.trainAllParameters();
      assertEquals(1 + 9 * cfg.layers() + 1 + (tied ? 0 : 1), params.size());
      assertEquals("model.embed_tokens.weight", params.get(0).name());
      assertEquals("model.layers.0.self_attn.q_proj.weight", params.get(2).name());
      Batch batch = new Batch(IDS, IDS, 2, 6);
      boolean was = Nd.gradMode(true);
      try (NDManager s = m.newSubManager()) {
        NDArray logits = model.forward(ids(s), s, false);
        NDArray loss = CausalLmLoss.compute(logits, batch, batch.targetTokens(), s);
        Nd.backward(loss, s.ones(loss.getShape()));
      } finally {
        Nd.gradMode(was);
      }
      for (LoraParams.Param p : params) {
        try (NDArray g = p.value().getGradient()) {
          assertTrue(g.abs().sum().getDouble() > 0, p.name() + " got no gradient");
        }
      }
      // per tensor: its largest gradient component and one at random
      SplittableRandom pick = new SplittableRandom(5);
      ToIntFunction<double[]> largest =
          grad -> {
            int big = 0;
            for (int i = 1; i < grad.length; i++) {
              big = Math.abs(grad[i]) > Math.abs(grad[big]) ? i : big;
            }
            return big;
          };
      ToIntFunction<double[]> random = grad -> pick.nextInt(grad.length);
      FiniteDifferences.assertGradients(
          model, batch, params, GradientCheckTest.probes(largest, random), m);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"nf4", "fp4"})
  void aQuantizedBaseIsNotFullParameterTrainable(String quant) {
    LlamaConfig cfg = LlamaConfig.of(64, 64, 96, 1, 4, 2, true);
    try (LlamaModel model =
        LlamaLoader.build(
            cfg, RandomLlama.weights(cfg, 3), LoadOptions.cpu(LoadOptions.Quant.parse(quant)))) {
      var e = assertThrows(IllegalStateException.class, model::trainAllParameters);
      assertTrue(e.getMessage().contains("dense linears"), e.getMessage());
    }
  }

  private static NDArray ids(NDManager m) {
    return Nd.longs(m, IDS, new Shape(2, 6));
  }
}
