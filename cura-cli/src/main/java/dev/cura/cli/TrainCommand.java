package dev.cura.cli;

import dev.cura.cli.engine.CliErrors;
import dev.cura.cli.engine.SpecFlags;
import dev.cura.cli.engine.TrainProgress;
import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.nn.ComputeDevice;
import dev.cura.engine.train.TrainConfig;
import dev.cura.engine.train.TrainResult;
import dev.cura.engine.train.Trainer;
import dev.cura.events.JobSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./cura train}: Trains a LoRA adapter on a (quantized) base model. Its settings are the job
 * spec's (the same rules and defaults as a job submitted to the services, {@link JobSpec}); a
 * setting outside the rules exits with code 2 naming the flag.
 */
@Command(
    name = "train",
    defaultValueProvider = SpecFlags.class,
    description = {
      "Trains a LoRA adapter (QLoRA: NF4 base, paged AdamW) → PEFT adapter + metrics.json.",
      "Settings and defaults are those of a fine-tuning job (docs/api.md): the same settings and"
          + " seed train the same adapter here and in the services."
    })
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
      completionCandidates = SpecFlags.QuantTypes.class,
      description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
  String quant;

  @Option(names = "--blocksize", description = "4-bit block size (default ${DEFAULT-VALUE})")
  Integer blocksize;

  @Option(names = "--no-double-quant", description = "do not quantize the absmax constants")
  boolean noDoubleQuant;

  @Option(names = "--rank", description = "LoRA r (default ${DEFAULT-VALUE})")
  Integer rank;

  @Option(names = "--alpha", description = "LoRA alpha (default ${DEFAULT-VALUE})")
  Double alpha;

  @Option(names = "--dropout", description = "LoRA dropout (default ${DEFAULT-VALUE})")
  Double dropout;

  @Option(names = "--rslora", description = "scale by alpha/sqrt(r)")
  boolean rslora;

  @Option(
      names = "--target",
      split = ",",
      description = "LoRA modules (default: all of q,k,v,o,gate,up,down _proj)")
  List<String> targets;

  @Option(names = "--lr", description = "learning rate (default ${DEFAULT-VALUE})")
  Double lr;

  @Option(names = "--steps", description = "optimizer steps (default: --epochs over the data)")
  Integer steps;

  @Option(names = "--epochs", description = "passes over the data (default ${DEFAULT-VALUE})")
  Integer epochs;

  @Option(
      names = "--batch-size",
      description = "sequences per micro-batch (default ${DEFAULT-VALUE})")
  Integer batchSize;

  @Option(
      names = "--grad-accum",
      description = "micro-batches per optimizer step (default ${DEFAULT-VALUE})")
  Integer gradAccum;

  @Option(names = "--seq-len", description = "max tokens per sequence (default ${DEFAULT-VALUE})")
  Integer seqLen;

  @Option(
      names = "--optimizer",
      completionCandidates = SpecFlags.Optimizers.class,
      description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
  String optimizer;

  @Option(names = "--weight-decay", description = "(default ${DEFAULT-VALUE})")
  Double weightDecay;

  @Option(
      names = "--max-grad-norm",
      description = "0 turns clipping off (default ${DEFAULT-VALUE})")
  Double maxGradNorm;

  @Option(
      names = "--warmup-ratio",
      description = "warmup fraction of the steps (default ${DEFAULT-VALUE})")
  Double warmupRatio;

  @Option(names = "--seed", description = "(default ${DEFAULT-VALUE})")
  Long seed;

  @Option(names = "--packing", description = "concatenate examples into full rows")
  boolean packing;

  @Option(names = "--save-every", description = "checkpoint interval (default ${DEFAULT-VALUE})")
  Integer saveEvery;

  @Option(names = "--resume", description = "continue from the latest checkpoint in --out")
  boolean resume;

  @Option(
      names = "--compute-dtype",
      description =
          "bf16 | fp32: activations and matmuls (LoRA weights, optimizer states, norms, softmax"
              + " and the loss stay float32); default: bf16 on CUDA, fp32 on the CPU (measured"
              + " faster there)")
  String computeDtype;

  @Option(names = "--device", defaultValue = "cpu", description = "cpu | cuda | cuda:N | auto")
  String device;

  /** The settings as a job spec (defaults for what no flag set). */
  JobSpec spec() {
    return JobSpec.builder()
        .quantType(quant)
        .blocksize(blocksize)
        .doubleQuant(!noDoubleQuant)
        .loraR(rank)
        .loraAlpha(alpha)
        .loraDropout(dropout)
        .useRslora(rslora)
        .targetModules(targets)
        .learningRate(lr)
        .maxSteps(steps)
        .epochs(epochs)
        .batchSize(batchSize)
        .gradientAccumulationSteps(gradAccum)
        .seqLen(seqLen)
        .optimizer(optimizer)
        .weightDecay(weightDecay)
        .maxGradNorm(maxGradNorm)
        .warmupRatio(warmupRatio)
        .seed(seed)
        .packing(packing)
        .checkpointEvery(saveEvery)
        .computeDtype(computeDtype)
        .build();
  }

  @Override
  public Integer call() {
    JobSpec spec = spec();
    if (!spec.violations().isEmpty()) {
      System.err.println("cura train: " + SpecFlags.describe(spec.violations()));
      return 2;
    }
    return CliErrors.run(
        "train",
        () -> {
          TrainConfig cfg =
              TrainConfig.builder()
                  .setModel(model)
                  .setData(data)
                  .setOutput(out)
                  .optValidation(validation)
                  .optSpec(spec)
                  .optResume(resume)
                  .build();
          TrainResult r;
          Integer planned = spec.training().maxSteps();
          try (TrainProgress bar = new TrainProgress("train", planned == null ? -1 : planned)) {
            ComputeDevice dev = ComputeDevice.parse(device);
            LoadOptions options = cfg.loadOptions(dev);
            r = Trainer.run(cfg, options, bar);
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
