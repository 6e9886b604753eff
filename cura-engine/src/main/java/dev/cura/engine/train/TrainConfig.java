package dev.cura.engine.train;

import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.nn.LoraConfig;
import dev.cura.engine.optim.OptimizerKind;
import dev.cura.events.JobSpec;
import dev.cura.events.JobSpecBuilder;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Everything a training run needs: where the model, data and output are, the job's settings (a
 * validated {@link JobSpec}: its defaults are the QLoRA recipe, defined once there) and what only
 * this machine decides (resume, the paged-state budget). Built DJL style:
 *
 * <pre>{@code
 * TrainConfig cfg = TrainConfig.builder()
 *     .setModel(modelDir).setData(trainJsonl).setOutput(outDir)        // required
 *     .optValidation(validJsonl)
 *     .optSpec(s -> s.loraR(16).maxSteps(500))                         // job settings
 *     .build();                                                        // refuses an invalid spec
 * }</pre>
 *
 * Errors name the spec field ({@code lora.r}), never a command-line flag: the trainer service shows
 * them to its users as they are, and {@code ./cura train} maps the field to its flag.
 */
public final class TrainConfig {
  /** Resident budget of paged optimizer states, unless a caller sets one. */
  public static final long DEFAULT_PAGED_RESIDENT_BYTES = 256L << 20;

  private final Path model;
  private final Path data;
  private final Path validation;
  private final Path out;
  private final JobSpec spec;
  private final boolean resume;
  private final long pagedResidentBytes;
  private final LoraConfig lora;
  private final LoadOptions.Quant quant;
  private final OptimizerKind optimizer;

  private TrainConfig(Builder b, JobSpec spec) {
    this.model = b.model;
    this.data = b.data;
    this.validation = b.validation;
    this.out = b.out;
    this.spec = spec;
    this.resume = b.resume;
    this.pagedResidentBytes = b.pagedResidentBytes;
    var l = spec.lora();
    this.lora =
        new LoraConfig(
            l.r(),
            l.alpha(),
            l.dropout(),
            l.targetModules() == null ? LoraConfig.ALL_LINEARS : l.targetModules(),
            l.useRslora());
    this.quant = LoadOptions.Quant.of(spec.quantization());
    this.optimizer = OptimizerKind.of(spec.optimizer().name());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder with every value of this config (to change a few). */
  public Builder toBuilder() {
    return builder()
        .setModel(model)
        .setData(data)
        .setOutput(out)
        .optValidation(validation)
        .optSpec(spec)
        .optResume(resume)
        .optPagedResidentBytes(pagedResidentBytes);
  }

  /** HF checkpoint or quantized-artifact directory (with tokenizer.json). */
  public Path model() {
    return model;
  }

  /** Training JSONL. */
  public Path data() {
    return data;
  }

  /** Validation JSONL (eval_loss in metrics.json), or null. */
  public Path validation() {
    return validation;
  }

  /** Output directory (PEFT adapter, metrics.json, checkpoints/). */
  public Path out() {
    return out;
  }

  /** The job's settings, valid, defaults filled in. */
  public JobSpec spec() {
    return spec;
  }

  /** Continue from the latest checkpoint in {@code out/checkpoints}. */
  public boolean resume() {
    return resume;
  }

  /** Resident budget of paged optimizer states, bytes. */
  public long pagedResidentBytes() {
    return pagedResidentBytes;
  }

  /** Base-weight storage. */
  public LoadOptions.Quant quant() {
    return quant;
  }

  /** LoRA settings (absent targets resolved to all decoder linears). */
  public LoraConfig lora() {
    return lora;
  }

  public OptimizerKind optimizer() {
    return optimizer;
  }

  public double lr() {
    return spec.optimizer().learningRate();
  }

  public double weightDecay() {
    return spec.optimizer().weightDecay();
  }

  /** Sequences per micro-batch. */
  public int batchSize() {
    return spec.training().batchSize();
  }

  /** Micro-batches per optimizer step. */
  public int gradAccum() {
    return spec.training().gradientAccumulationSteps();
  }

  /** Max tokens per sequence. */
  public int seqLen() {
    return spec.training().seqLen();
  }

  /** Seeds LoRA init, data order and dropout masks. */
  public long seed() {
    return spec.training().seed();
  }

  /** Concatenate examples into full rows. */
  public boolean packing() {
    return spec.training().packing();
  }

  /** Global gradient-norm clip (0 disables). */
  public double maxGradNorm() {
    return spec.training().maxGradNorm();
  }

  /** Checkpoint every N steps (and at the end). */
  public int saveEvery() {
    Integer every = spec.training().checkpointEvery();
    return every == null ? JobSpec.DEFAULT_CHECKPOINT_EVERY : every;
  }

  /** Optimizer steps of the run ({@link JobSpec#steps}). */
  public long steps(long rowsPerEpoch) {
    return spec.steps(rowsPerEpoch);
  }

  /** Linear-warmup steps of a run of {@code steps} ({@link JobSpec#warmupSteps}). */
  public int warmupSteps(long steps) {
    return spec.warmupSteps(steps);
  }

  /** Learning rate at 1-based step t: linear warmup over {@code warmupSteps}, then constant. */
  public double lrAt(long t, int warmupSteps) {
    return warmupSteps > 0 && t <= warmupSteps ? lr() * t / warmupSteps : lr();
  }

  /** Builds a {@link TrainConfig}: {@code set…} values are required, {@code opt…} optional. */
  public static final class Builder {
    private Path model;
    private Path data;
    private Path validation;
    private Path out;
    private JobSpecBuilder spec = JobSpec.builder();
    private boolean resume;
    private long pagedResidentBytes = DEFAULT_PAGED_RESIDENT_BYTES;

    private Builder() {}

    public Builder setModel(Path model) {
      this.model = model;
      return this;
    }

    public Builder setData(Path data) {
      this.data = data;
      return this;
    }

    public Builder setOutput(Path out) {
      this.out = out;
      return this;
    }

    public Builder optValidation(Path validation) {
      this.validation = validation;
      return this;
    }

    /** Replaces every job setting with the spec's. */
    public Builder optSpec(JobSpec spec) {
      this.spec = spec.toBuilder();
      return this;
    }

    /** Changes some job settings: {@code optSpec(s -> s.loraR(8).maxSteps(20))}. */
    public Builder optSpec(UnaryOperator<JobSpecBuilder> change) {
      this.spec = change.apply(spec);
      return this;
    }

    public Builder optResume(boolean resume) {
      this.resume = resume;
      return this;
    }

    public Builder optPagedResidentBytes(long bytes) {
      this.pagedResidentBytes = bytes;
      return this;
    }

    /**
     * The config.
     *
     * @throws dev.cura.events.InvalidJobSpecException naming every setting outside the rules
     * @throws IllegalArgumentException when model, data or output is missing
     */
    private static void require(Object value, String what) {
      if (value == null) {
        throw new IllegalArgumentException("a training run needs " + what);
      }
    }

    public TrainConfig build() {
      require(model, "a model directory (setModel)");
      require(data, "training data (setData)");
      require(out, "an output directory (setOutput)");
      return new TrainConfig(this, spec.build().requireValid());
    }
  }
}
