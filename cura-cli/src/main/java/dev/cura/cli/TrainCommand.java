package dev.cura.cli;

import dev.cura.cli.engine.CliErrors;
import dev.cura.cli.engine.TrainProgress;
import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.nn.ComputeDevice;
import dev.cura.engine.nn.DtypeNames;
import dev.cura.engine.nn.LoraConfig;
import dev.cura.engine.train.TrainConfig;
import dev.cura.engine.train.TrainResult;
import dev.cura.engine.train.Trainer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./cura train}: Trains a LoRA adapter on a (quantized) base model. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Trains a LoRA adapter (QLoRA: NF4 base, paged AdamW) → PEFT adapter + metrics.json.")
public final class TrainCommand implements Callable<Integer> {
  @Option(
      names = "--model",
      required = true,
      description = "HF checkpoint or quantized artifact dir")
  Path model;

  @Option(
      names = "--data",
      required = true,
      description = "training JSONL (messages or prompt/completion)")
  Path data;

  @Option(names = "--validation", description = "validation JSONL (eval_loss in metrics.json)")
  Path validation;

  @Option(names = "--out", required = true, description = "output directory")
  Path out;

  @Option(
      names = "--quant",
      defaultValue = "nf4",
      description = "nf4 | none (default ${DEFAULT-VALUE})")
  String quant;

  @Option(names = "--rank", defaultValue = "16")
  int rank;

  @Option(names = "--alpha", defaultValue = "32")
  double alpha;

  @Option(names = "--dropout", defaultValue = "0.05")
  double dropout;

  @Option(names = "--rslora", description = "scale by alpha/sqrt(r)")
  boolean rslora;

  @Option(
      names = "--target",
      split = ",",
      description = "LoRA modules (default: all of q,k,v,o,gate,up,down _proj)")
  List<String> targets;

  @Option(names = "--lr", defaultValue = "2e-4")
  double lr;

  @Option(names = "--steps", defaultValue = "100")
  int steps;

  @Option(names = "--batch-size", defaultValue = "1")
  int batchSize;

  @Option(names = "--grad-accum", defaultValue = "1")
  int gradAccum;

  @Option(names = "--seq-len", defaultValue = "256")
  int seqLen;

  @Option(
      names = "--optimizer",
      defaultValue = "paged_adamw_32bit",
      description = "paged_adamw_32bit | paged_adamw_8bit | adamw_32bit")
  String optimizer;

  @Option(names = "--weight-decay", defaultValue = "0.0")
  double weightDecay;

  @Option(names = "--max-grad-norm", defaultValue = "0.3")
  double maxGradNorm;

  @Option(names = "--warmup-steps", defaultValue = "-1", description = "default: 3% of --steps")
  int warmup;

  @Option(names = "--seed", defaultValue = "42")
  long seed;

  @Option(names = "--packing")
  boolean packing;

  @Option(names = "--save-every", defaultValue = "50")
  int saveEvery;

  @Option(names = "--resume", description = "continue from the latest checkpoint in --out")
  boolean resume;

  @Option(
      names = "--compute-dtype",
      defaultValue = "auto",
      description =
          "bf16 | fp32 | auto: activations and matmuls (LoRA weights, optimizer states, norms,"
              + " softmax and the loss stay float32); auto = bf16 on CUDA, fp32 on the CPU"
              + " (measured faster there)")
  String computeDtype;

  @Option(names = "--device", defaultValue = "cpu", description = "cpu | cuda | cuda:N | auto")
  String device;

  @Override
  public Integer call() {
    return CliErrors.run(
        "train",
        () -> {
          TrainConfig cfg =
              new TrainConfig(
                  model,
                  data,
                  validation,
                  out,
                  LoadOptions.Quant.parse(quant),
                  new LoraConfig(
                      rank,
                      alpha,
                      dropout,
                      targets == null ? LoraConfig.ALL_LINEARS : targets,
                      rslora),
                  lr,
                  steps,
                  batchSize,
                  gradAccum,
                  seqLen,
                  optimizer,
                  weightDecay,
                  maxGradNorm,
                  warmup >= 0 ? warmup : (int) Math.ceil(0.03 * steps),
                  seed,
                  packing,
                  saveEvery,
                  resume,
                  256L << 20);
          TrainResult r;
          try (TrainProgress bar = new TrainProgress("train", steps)) {
            ComputeDevice dev = ComputeDevice.parse(device);
            r = Trainer.run(cfg, dev, DtypeNames.resolve(computeDtype, dev), bar);
          }
          System.out.printf(
              "adapter: %s%nsteps: %d  first loss: %.4f  last loss: %.4f%s%ntokens/s: %.1f  peak RSS: %.2f GiB%n",
              r.adapterDir(),
              r.steps(),
              r.losses().get(0),
              r.losses().get(r.losses().size() - 1),
              Double.isNaN(r.evalLoss()) ? "" : String.format("  eval loss: %.4f", r.evalLoss()),
              r.tokensPerSecond(),
              r.peakRssBytes() / (double) (1L << 30));
          return 0;
        });
  }
}
