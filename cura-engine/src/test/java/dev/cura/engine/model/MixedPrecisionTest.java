package dev.cura.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.cura.core.tensor.DType;
import dev.cura.engine.nn.LoraConfig;
import dev.cura.engine.nn.LoraParams;
import dev.cura.engine.nn.Nd;
import dev.cura.engine.testutil.RandomLlama;
import dev.cura.engine.train.Batch;
import dev.cura.engine.train.CheckpointedStep;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * bf16 compute against float32 compute of the same weights (a bf16 checkpoint, so both sides hold
 * identical values): logits and LoRA gradients.
 *
 * <p>Tolerances. bfloat16 keeps 8 significant bits: every rounding of an activation, a dequantized
 * weight or a product to bf16 has relative error ≤ u = 2⁻⁹ ≈ 0.2%. Along the forward path of one
 * decoder layer the value that reaches the residual stream has passed about eight such roundings
 * (norm output, q/k/v, scores, probabilities, context, o_proj; gate/up, SiLU product, down_proj),
 * which do not cancel systematically; with L = 2 layers plus the final norm and lm_head that is
 * about 20 roundings, so an error of 20·u ≈ 4% of the logit scale is the worst case the arithmetic
 * allows and errors of √20·u ≈ 1% are typical. We bound the largest logit error by 4% of the
 * largest logit and the root-mean-square error by 1.5% of the RMS logit. A float32 path that lost
 * its float32 islands (softmax or the loss in bf16) or a mis-cast (fp16 instead of bf16, a wrong
 * reinterpretation) is far outside; float32 vs float64 is 1000× inside. The LoRA gradients pass
 * through the forward's roundings and again through as many in the backward (≈ 40, worst case 40·u
 * ≈ 8%): we bound their RMS error by 4% of their RMS (measured 1.7–2.4%); a cast that dropped the
 * graph or a lost gradient path is off by order 100%. The LoRA parameters themselves and their
 * products stay float32.
 */
class MixedPrecisionTest {
  static final long[] IDS = {1, 5, 9, 42, 7, 99, 3, 64, 11, 0, 77, 23, 8, 15, 100, 2};

  /** A small random Llama checkpoint stored in bf16 (as real checkpoints are). */
  static void writeBf16Checkpoint(Path dir, long seed) throws Exception {
    LlamaConfig cfg = LlamaConfig.of(128, 64, 160, 2, 4, 2, false);
    CheckpointWriter.write(dir, cfg, RandomLlama.entries(cfg, seed), DType.BF16, 1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "nf4"})
  void bf16LogitsMatchFloat32(String quantName, @TempDir Path dir) throws Exception {
    LoadOptions.Quant quant = LoadOptions.Quant.parse(quantName);
    writeBf16Checkpoint(dir, 21);
    float[] f32 = logits(dir, quant, DataType.FLOAT32);
    float[] bf16 = logits(dir, quant, DataType.BFLOAT16);
    Stats s = Stats.of(f32, bf16);
    assertTrue(s.maxRef > 0.5, "degenerate logits " + s);
    assertTrue(s.maxErr < 0.04 * s.maxRef, "largest logit error " + s);
    assertTrue(s.rmsErr < 0.015 * s.rmsRef, "RMS logit error " + s);
    // and bf16 really computed in bf16: not bit-identical to float32
    assertTrue(s.maxErr > 0, "bf16 logits equal float32 logits exactly: bf16 was not used");
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "nf4"})
  void bf16LoraGradientsMatchFloat32(String quantName, @TempDir Path dir) throws Exception {
    LoadOptions.Quant quant = LoadOptions.Quant.parse(quantName);
    writeBf16Checkpoint(dir, 22);
    List<float[]> f32 = gradients(dir, quant, DataType.FLOAT32);
    List<float[]> bf16 = gradients(dir, quant, DataType.BFLOAT16);
    assertEquals(f32.size(), bf16.size());
    for (int k = 0; k < f32.size(); k++) {
      Stats s = Stats.of(f32.get(k), bf16.get(k));
      assertTrue(s.rmsRef > 0, "gradient " + k + " is zero");
      assertTrue(s.rmsErr < 0.04 * s.rmsRef, "gradient " + k + ": " + s);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "nf4"})
  void bf16KeepsMasterWeightsAndDequantizesToBf16(String quantName, @TempDir Path dir)
      throws Exception {
    LoadOptions.Quant quant = LoadOptions.Quant.parse(quantName);
    LlamaConfig cfg = LlamaConfig.of(128, 64, 160, 2, 4, 2, false);
    CheckpointWriter.write(dir, cfg, RandomLlama.entries(cfg, 23), DType.BF16, 1);
    try (LlamaModel model = load(dir, quant, DataType.BFLOAT16);
        NDManager m = NDManager.newBaseManager()) {
      LoraParams.attach(model, new LoraConfig(4, 8, 0.0, LoraConfig.ALL_LINEARS, false), 3);
      for (LoraParams.Param p : LoraParams.params(model)) {
        assertEquals(DataType.FLOAT32, Nd.dtype(p.value()), p.name());
      }
      NDArray h = model.embed(Nd.longs(m, IDS, new ai.djl.ndarray.types.Shape(1, IDS.length)), m);
      assertEquals(DataType.BFLOAT16, Nd.dtype(h));
      model.logits(IDS, m);
      long layerParams = 0;
      for (var l : model.layers().get(0).linears()) {
        layerParams += (long) l.base().outFeatures() * l.base().inFeatures();
      }
      // NF4: one layer's weights dequantized into bf16 buffers (2 bytes each); on the CPU the
      // kernel writes them directly (Dequant4bit), so no gather scratch is allocated
      long expected = !quant.dense() ? 2 * layerParams : 0;
      assertEquals(expected, model.buffers().bytes());
    }
  }

  static LlamaModel load(Path dir, LoadOptions.Quant quant, DataType compute) throws Exception {
    return LlamaLoader.load(dir, LoadOptions.cpu(quant).withComputeDtype(compute));
  }

  private static float[] logits(Path dir, LoadOptions.Quant quant, DataType compute)
      throws Exception {
    try (LlamaModel model = load(dir, quant, compute);
        NDManager m = NDManager.newBaseManager()) {
      return model.logits(IDS, m);
    }
  }

  private static List<float[]> gradients(Path dir, LoadOptions.Quant quant, DataType compute)
      throws Exception {
    try (LlamaModel model = load(dir, quant, compute)) {
      LoraParams.attach(model, new LoraConfig(4, 8, 0.0, LoraConfig.ALL_LINEARS, false), 5);
      List<LoraParams.Param> params = LoraParams.params(model);
      for (LoraParams.Param p : params) {
        float[] v = p.value().toFloatArray();
        for (int i = 0; i < v.length; i++) {
          v[i] = 0.05f * (float) Math.sin(i + 7 * p.name().length());
        }
        Nd.assign(p.value(), v);
      }
      long[] labels = IDS.clone();
      Batch batch = new Batch(IDS, labels, 1, IDS.length);
      try (NDManager root = NDManager.newBaseManager()) {
        new CheckpointedStep(model).forwardBackward(batch, batch.targetTokens(), 1, 1, 0, root);
      }
      List<float[]> grads = new ArrayList<>();
      for (LoraParams.Param p : params) {
        try (NDArray g = p.value().getGradient()) {
          grads.add(g.toFloatArray());
        }
      }
      return grads;
    }
  }

  record Stats(double maxErr, double maxRef, double rmsErr, double rmsRef) {
    static Stats of(float[] ref, float[] got) {
      assertEquals(ref.length, got.length);
      double maxErr = 0, maxRef = 0, se = 0, sr = 0;
      for (int i = 0; i < ref.length; i++) {
        double d = got[i] - ref[i];
        maxErr = Math.max(maxErr, Math.abs(d));
        maxRef = Math.max(maxRef, Math.abs(ref[i]));
        se += d * d;
        sr += (double) ref[i] * ref[i];
      }
      return new Stats(maxErr, maxRef, Math.sqrt(se / ref.length), Math.sqrt(sr / ref.length));
    }
  }
}
