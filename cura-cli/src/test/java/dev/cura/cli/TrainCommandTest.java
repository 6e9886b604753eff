package dev.cura.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.core.quant.QuantType;
import dev.cura.core.quantize.CheckpointQuantizer;
import dev.cura.core.quantize.QuantizeListener;
import dev.cura.core.quantize.QuantizeSettings;
import dev.cura.core.store.Sha256;
import dev.cura.core.tensor.DType;
import dev.cura.engine.model.CheckpointWriter;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.events.JobSpec;
import dev.cura.tools.pretrain.TrainableLlama;
import dev.cura.trainer.engine.CuraEngineTraining;
import dev.cura.trainer.job.StepStats;
import dev.cura.trainer.job.TrainingListener;
import dev.cura.trainer.job.TrainingPlan;
import dev.cura.trainer.job.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./cura train} speaks the job spec: its flags, defaults and refusals are the spec's. */
class TrainCommandTest {
  static final Path TINY = Path.of("..", "models", "cura-tiny");
  static final Path DATA = Path.of("..", "datasets", "youtube-replies", "train.jsonl");

  /**
   * A small random dense base with the bundled tokenizer: vocab 4096, hidden 64, 2 layers, GQA 4/2
   * (written once per class; a fraction of cura-tiny's size keeps the test quick).
   */
  @TempDir static Path shared;

  static Path base;

  @BeforeAll
  static void writeBase() throws Exception {
    base = shared.resolve("base");
    LlamaConfig cfg = LlamaConfig.of(4096, 64, 128, 2, 4, 2, true);
    try (TrainableLlama random = TrainableLlama.init(cfg, 0.02, 11)) {
      CheckpointWriter.write(base, cfg, random.entries(), DType.BF16, 1);
    }
    for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
      Files.copy(TINY.resolve(f), base.resolve(f));
    }
  }

  /**
   * The acceptance bar of one job spec: the same settings and seed train the same adapter whether
   * the job runs as {@code ./cura train} (a dense base, quantized in memory) or through the trainer
   * service's engine path (the base quantized by cura-core's quantizer as the quantizer service
   * stores it, the job's spec handed over in a {@link TrainingPlan}).
   */
  @Test
  void theCliAndTheTrainerServiceTrainTheSameAdapter(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("train.jsonl");
    Files.write(data, Files.readAllLines(DATA).subList(0, 12));
    JobSpec spec =
        JobSpec.builder()
            .loraR(4)
            .loraAlpha(8.0)
            .loraDropout(0.1)
            .blocksize(128)
            .optimizer("paged_adamw_8bit")
            .learningRate(1e-3)
            .batchSize(2)
            .gradientAccumulationSteps(2)
            .seqLen(48)
            .maxSteps(3)
            .warmupRatio(0.5)
            .seed(7L)
            .checkpointEvery(2)
            .build();

    // the CLI
    Path cliOut = tmp.resolve("cli");
    int rc =
        Cli.run(
            "train",
            "--model",
            base.toString(),
            "--data",
            data.toString(),
            "--out",
            cliOut.toString(),
            "--rank",
            "4",
            "--alpha",
            "8",
            "--dropout",
            "0.1",
            "--blocksize",
            "128",
            "--optimizer",
            "paged_adamw_8bit",
            "--lr",
            "1e-3",
            "--batch-size",
            "2",
            "--grad-accum",
            "2",
            "--seq-len",
            "48",
            "--steps",
            "3",
            "--warmup-ratio",
            "0.5",
            "--seed",
            "7",
            "--save-every",
            "2");
    assertEquals(0, rc);

    // the trainer service's path: quantizer output in, the spec in a plan
    var q = spec.quantization();
    Path artifact = tmp.resolve("artifact");
    CheckpointQuantizer.quantize(
        base,
        artifact,
        QuantizeSettings.defaults()
            .withQuantType(QuantType.parse(q.type()))
            .withDoubleQuant(q.doubleQuant())
            .withBlocksize(q.blocksize()),
        QuantizeListener.NONE);
    TrainingResult service =
        new CuraEngineTraining()
            .train(
                new TrainingPlan(
                    "ftjob-same",
                    artifact,
                    "cura-tiny",
                    data,
                    null,
                    spec,
                    "cpu",
                    Long.MAX_VALUE,
                    tmp.resolve("work"),
                    null),
                new TrainingListener() {
                  @Override
                  public void onStep(StepStats stats) {}

                  @Override
                  public void onCheckpoint(long step, Path dir) {}

                  @Override
                  public boolean shouldStop() {
                    return false;
                  }
                });

    assertEquals(3, service.steps());
    assertEquals(
        Sha256.ofFile(cliOut.resolve("adapter_model.safetensors")),
        Sha256.ofFile(service.adapterDir().resolve("adapter_model.safetensors")),
        "same adapter weights");
    // the configs differ only in the base model's name (a path here, the job's model name there)
    var json = new ObjectMapper();
    ObjectNode a = (ObjectNode) json.readTree(cliOut.resolve("adapter_config.json").toFile());
    ObjectNode b =
        (ObjectNode) json.readTree(service.adapterDir().resolve("adapter_config.json").toFile());
    a.remove("base_model_name_or_path");
    b.remove("base_model_name_or_path");
    assertEquals(a, b);
  }

  @Test
  void aSettingOutsideTheSpecExitsWithCode2NamingTheFlag(@TempDir Path tmp) {
    assertEquals(
        "cura train: --rank must be an integer in 1..1024, got 0; "
            + "--optimizer must be one of [paged_adamw_32bit, paged_adamw_8bit, adamw_32bit], got 'sgd'",
        refusal(tmp, "--rank", "0", "--optimizer", "sgd"));
    // the engine's own refusals name the spec field; the CLI shows the flag
    String target = refusal(tmp, "--target", "qkv");
    assertTrue(target.startsWith("cura train: --target must be among"), target);
    assertFalse(Files.exists(tmp.resolve("adapter_model.safetensors")));
  }

  /** Stderr of a run that must exit with code 2. */
  private static String refusal(Path out, String... settings) {
    var args = new java.util.ArrayList<>(List.of("train", "--model", base.toString(), "--data"));
    args.addAll(List.of(DATA.toString(), "--out", out.toString()));
    args.addAll(List.of(settings));
    return Cli.stderrOf(() -> assertEquals(2, Cli.run(args.toArray()))).strip();
  }

  @Test
  void theHelpShowsTheSpecsDefaults() {
    var out = new java.io.StringWriter();
    var cmd = new CommandLine(new CuraMain());
    cmd.setOut(new java.io.PrintWriter(out));
    cmd.execute("train", "--help");
    String help = out.toString().replaceAll("\\s+", " "); // unwrapped
    for (String want :
        List.of(
            "LoRA r (default " + JobSpec.DEFAULT_LORA_R + ")",
            String.join(", ", JobSpec.OPTIMIZERS) + " (default " + JobSpec.DEFAULT_OPTIMIZER + ")",
            "sequences per micro-batch (default " + JobSpec.DEFAULT_BATCH_SIZE + ")",
            "(default " + JobSpec.DEFAULT_WARMUP_RATIO + ")")) {
      assertTrue(help.contains(want), want + " in\n" + help);
    }
  }
}
