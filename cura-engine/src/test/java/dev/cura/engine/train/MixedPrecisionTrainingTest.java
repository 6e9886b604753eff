package dev.cura.engine.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import dev.cura.engine.data.Example;
import dev.cura.engine.data.ExampleBuilder;
import dev.cura.engine.data.JsonlDataset;
import dev.cura.engine.data.TextTokenizer;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.model.LlamaLoader;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.model.LoadOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bf16 compute trains as well as float32 on the bundled task: QLoRA (NF4 base, LoRA on all linears,
 * paged AdamW) of models/cura-tiny on datasets/youtube-replies, the same seed, data order and
 * hyperparameters, once with bf16 activations and matmuls and once in float32 (400 training and 64
 * validation conversations keep it short). The bar: the bf16 run's eval loss is within 1%
 * of the float32 run's. The run is long enough that the loss moves well away from the base model's
 * (checked too), so the 1% compares trained adapters, not two copies of the starting point.
 */
class MixedPrecisionTrainingTest {
  static final int STEPS = 30;
  static final int SEQ = 96;
  static final int BATCH = 4;
  static final int TRAIN = 400; // of 1200 training conversations
  static final int VALID = 64; // of 200 validation conversations

  @Test
  void bf16EvalLossWithinOnePercentOfFloat32(@TempDir Path tmp) throws Exception {
    Path repo = Path.of(".."); // the module's parent, as Surefire runs in the module
    Path model = repo.resolve("models/cura-tiny");
    Path data = repo.resolve("datasets/youtube-replies");
    List<Example> train;
    List<Example> valid;
    long pad;
    try (TextTokenizer tok = TextTokenizer.load(model, LlamaConfig.read(model))) {
      ExampleBuilder b = new ExampleBuilder(tok, SEQ);
      train = b.buildAll(JsonlDataset.read(data.resolve("train.jsonl"))).subList(0, TRAIN);
      valid = b.buildAll(JsonlDataset.read(data.resolve("valid.jsonl"))).subList(0, VALID);
      pad = Math.max(0, tok.eosId());
    }
    double base;
    try (LlamaModel m = LlamaLoader.load(model, LoadOptions.cpu(LoadOptions.Quant.NF4))) {
      base = Evaluator.evaluate(m, valid, BATCH).loss();
    }
    double fp32 = run(model, train, valid, pad, tmp.resolve("fp32"), DataType.FLOAT32);
    double bf16 = run(model, train, valid, pad, tmp.resolve("bf16"), DataType.BFLOAT16);
    double rel = Math.abs(bf16 - fp32) / fp32;
    System.out.printf(
        "eval loss: base %.4f, float32 %.4f, bf16 %.4f (relative difference %.4f)%n",
        base, fp32, bf16, rel);
    assertTrue(fp32 < 0.8 * base, "float32 run did not learn: eval " + fp32 + " vs base " + base);
    assertTrue(rel < 0.01, "bf16 eval loss " + bf16 + " vs float32 " + fp32 + ": " + rel);
  }

  private static double run(
      Path model, List<Example> train, List<Example> valid, long pad, Path out, DataType dtype)
      throws Exception {
    TrainConfig cfg =
        TrainConfig.builder()
            .setModel(model)
            .setData(model.resolve("unused.jsonl"))
            .setOutput(out)
            .optSpec(
                s ->
                    s.quantType("nf4")
                        .loraR(16)
                        .loraAlpha(32.0)
                        .loraDropout(0.05)
                        .learningRate(1e-3)
                        .maxSteps(STEPS)
                        .batchSize(BATCH)
                        .seqLen(SEQ)
                        .warmupRatio(0.05)
                        .seed(42L)
                        .checkpointEvery(STEPS))
            .optPagedResidentBytes(64L << 20)
            .build();
    LoadOptions options = LoadOptions.cpu(cfg.quant()).withComputeDtype(dtype);
    try (LlamaModel m = LlamaLoader.load(model, options)) {
      return Trainer.train(m, train, valid, pad, cfg, new TrainingListener() {}).evalLoss();
    }
  }
}
