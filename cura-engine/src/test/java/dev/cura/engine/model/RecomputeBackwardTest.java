package dev.cura.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.cura.core.tensor.DType;
import dev.cura.engine.nn.LoraConfig;
import dev.cura.engine.nn.LoraLinear;
import dev.cura.engine.nn.LoraParams;
import dev.cura.engine.nn.Nd;
import dev.cura.engine.testutil.RandomLlama;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link DecoderLayer#recomputeBackward} — the re-run that stops short of the down projection's
 * forward product and forms its input gradient as grad·W_down ({@code
 * FrozenWeight.applyTransposed}) — against the recompute it replaces, {@code
 * Nd.backward(forward(x), grad)}: the same gradient for every LoRA factor of the layer and for the
 * layer's input, on dense and NF4 bases, with LoRA dropout (the re-run must draw the same masks in
 * the same order), in bf16 compute with float32 LoRA weights, and without LoRA on the down
 * projection.
 *
 * <p>Bounds, relative to the largest entry of each gradient: the two routes run the same libtorch
 * arithmetic except where the LoRA scaling is rounded (libtorch's addmm_ applies α to the product,
 * the branch here scales x·Aᵀ first), which moves the down projection's B gradient by a float32 ulp
 * or two when α/r is not a power of two (α/r = 1.75 here; measured ≤ 2.2e-7, 0 elsewhere): bound
 * 1e-6, a few ulps. bf16 compute takes the mixed-precision branch on both routes (measured
 * bit-identical); float64 with α/r = 2 is exact (bound 1e-12).
 */
class RecomputeBackwardTest {
  @ParameterizedTest
  @CsvSource({
    "none, FLOAT64, 0.0, all, 1e-12",
    "none, FLOAT32, 0.0, all, 1e-6",
    "nf4, FLOAT32, 0.0, all, 1e-6",
    "nf4, FLOAT32, 0.3, all, 1e-6",
    "nf4, BFLOAT16, 0.3, all, 1e-6",
    "nf4, FLOAT32, 0.3, q_proj v_proj, 1e-6" // no LoRA on down_proj: no branch term
  })
  void sameGradientsAsTheWholeRecompute(
      String quant, String dtype, double dropout, String targets, double bound, @TempDir Path dir)
      throws Exception {
    DataType compute = DataType.valueOf(dtype);
    LlamaConfig cfg = LlamaConfig.of(128, 64, 160, 2, 4, 2, false);
    CheckpointWriter.write(dir, cfg, RandomLlama.entries(cfg, 23), DType.F32, 1);
    LoadOptions opts = LoadOptions.cpu(LoadOptions.Quant.parse(quant)).withComputeDtype(compute);
    try (LlamaModel model = LlamaLoader.load(dir, opts);
        NDManager m = NDManager.newBaseManager()) {
      if (compute == DataType.FLOAT64) { // float64 LoRA factors, as the gradient checks use
        RandomLlama.randomLora(model, new java.util.SplittableRandom(11), 0.2f, compute);
      } else {
        LoraParams.attach(
            model,
            new LoraConfig(
                4,
                7,
                dropout,
                targets.equals("all") ? LoraConfig.ALL_LINEARS : List.of(targets.split(" ")),
                false),
            3);
        for (LoraParams.Param p : LoraParams.params(model)) { // non-zero B: every factor matters
          float[] v = p.value().toFloatArray();
          for (int i = 0; i < v.length; i++) {
            v[i] = 0.05f * (float) Math.sin(i + 7 * p.name().length());
          }
          Nd.assign(p.value(), v);
        }
      }
      DecoderLayer layer = model.layers().get(1);
      int t = 8;
      NDList rope = model.rope(t, m);
      NDArray mask = model.causalMask(t, m);
      NDArray x = Nd.cast(m, m.randomNormal(new Shape(2, t, 64)), compute);
      NDArray grad = Nd.cast(m, m.randomNormal(new Shape(2, t, 64)), compute);

      boolean was = Nd.gradMode(true);
      try {
        List<float[]> whole =
            gradients(
                layer,
                x,
                m,
                (in, lm) -> {
                  NDArray out = layer.forward(in, rope.get(0), rope.get(1), mask, lm, true);
                  Nd.backward(out, grad);
                });
        List<float[]> shortened =
            gradients(
                layer,
                x,
                m,
                (in, lm) ->
                    layer.recomputeBackward(in, rope.get(0), rope.get(1), mask, grad, lm, true));
        assertEquals(whole.size(), shortened.size());
        for (int i = 0; i < whole.size(); i++) {
          float[] a = whole.get(i);
          float[] b = shortened.get(i);
          double scale = 0;
          double diff = 0;
          for (int j = 0; j < a.length; j++) {
            scale = Math.max(scale, Math.abs(a[j]));
            diff = Math.max(diff, Math.abs(a[j] - b[j]));
          }
          assertTrue(scale > 0, "gradient " + i + " is zero: the test would prove nothing");
          assertTrue(
              diff <= bound * scale,
              "gradient " + i + ": max |difference| " + diff + " against max |entry| " + scale);
        }
      } finally {
        Nd.gradMode(was);
      }
    }
  }

  private interface Backward {
    void run(NDArray input, NDManager layerScope);
  }

  /** The layer's LoRA gradients and x's, after one backward from the same dropout seed. */
  private static List<float[]> gradients(
      DecoderLayer layer, NDArray x, NDManager m, Backward backward) {
    List<float[]> out = new ArrayList<>();
    try (NDManager lm = m.newSubManager()) {
      NDArray in = Nd.adopt(lm, x.duplicate());
      in.setRequiresGradient(true);
      Engine.getInstance().setRandomSeed(42);
      backward.run(in, lm);
      try (NDArray g = in.getGradient()) {
        out.add(Nd.cast(lm, g, DataType.FLOAT32).toFloatArray());
      }
    }
    for (LoraLinear l : layer.linears()) {
      if (!l.hasLora()) {
        continue;
      }
      for (NDArray p : List.of(l.loraA(), l.loraB())) {
        try (NDArray g = p.getGradient()) {
          out.add(Nd.cast(m, g, DataType.FLOAT32).toFloatArray());
        }
        Nd.zeroGrad(p);
      }
    }
    return out;
  }
}
