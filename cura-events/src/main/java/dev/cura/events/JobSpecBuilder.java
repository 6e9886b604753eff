package dev.cura.events;

import java.util.List;

/**
 * Builds a {@link JobSpec} from the settings a caller has; every setting left unset (or set to
 * null) takes the {@link JobSpec} default. {@link #build} does not validate: call {@link
 * JobSpec#violations()} or {@link JobSpec#requireValid()}.
 */
public final class JobSpecBuilder {
  private Integer loraR;
  private Double loraAlpha;
  private Double loraDropout;
  private List<String> targetModules;
  private Boolean useRslora;
  private String quantType;
  private Boolean doubleQuant;
  private Integer blocksize;
  private String optimizer;
  private Double learningRate;
  private Double weightDecay;
  private Integer epochs;
  private Integer batchSize;
  private Integer seqLen;
  private Long seed;
  private Integer maxSteps;
  private Integer checkpointEvery;
  private Integer gradientAccumulationSteps;
  private Double warmupRatio;
  private Double maxGradNorm;
  private Boolean packing;
  private String computeDtype;

  JobSpecBuilder() {}

  public JobSpecBuilder loraR(Integer v) {
    loraR = v;
    return this;
  }

  public JobSpecBuilder loraAlpha(Double v) {
    loraAlpha = v;
    return this;
  }

  public JobSpecBuilder loraDropout(Double v) {
    loraDropout = v;
    return this;
  }

  /** Linear names to adapt; null means all decoder linears. */
  public JobSpecBuilder targetModules(List<String> v) {
    targetModules = v;
    return this;
  }

  public JobSpecBuilder useRslora(Boolean v) {
    useRslora = v;
    return this;
  }

  public JobSpecBuilder quantType(String v) {
    quantType = v;
    return this;
  }

  public JobSpecBuilder doubleQuant(Boolean v) {
    doubleQuant = v;
    return this;
  }

  public JobSpecBuilder blocksize(Integer v) {
    blocksize = v;
    return this;
  }

  public JobSpecBuilder optimizer(String v) {
    optimizer = v;
    return this;
  }

  public JobSpecBuilder learningRate(Double v) {
    learningRate = v;
    return this;
  }

  public JobSpecBuilder weightDecay(Double v) {
    weightDecay = v;
    return this;
  }

  public JobSpecBuilder epochs(Integer v) {
    epochs = v;
    return this;
  }

  public JobSpecBuilder batchSize(Integer v) {
    batchSize = v;
    return this;
  }

  public JobSpecBuilder seqLen(Integer v) {
    seqLen = v;
    return this;
  }

  public JobSpecBuilder seed(Long v) {
    seed = v;
    return this;
  }

  /** Optimizer steps; null means run the epochs. */
  public JobSpecBuilder maxSteps(Integer v) {
    maxSteps = v;
    return this;
  }

  /** Steps between checkpoints; null leaves it to the trainer. */
  public JobSpecBuilder checkpointEvery(Integer v) {
    checkpointEvery = v;
    return this;
  }

  public JobSpecBuilder gradientAccumulationSteps(Integer v) {
    gradientAccumulationSteps = v;
    return this;
  }

  public JobSpecBuilder warmupRatio(Double v) {
    warmupRatio = v;
    return this;
  }

  public JobSpecBuilder maxGradNorm(Double v) {
    maxGradNorm = v;
    return this;
  }

  public JobSpecBuilder packing(Boolean v) {
    packing = v;
    return this;
  }

  /** bf16 or fp32; null: the trainer's device default. */
  public JobSpecBuilder computeDtype(String v) {
    computeDtype = v;
    return this;
  }

  /**
   * Sets a setting by its field; {@code value} is of the field's {@link JobSpec.Field#type()}, or
   * null for the default.
   */
  @SuppressWarnings("unchecked")
  public JobSpecBuilder set(JobSpec.Field field, Object value) {
    return switch (field) {
      case LORA_R -> loraR((Integer) value);
      case LORA_ALPHA -> loraAlpha((Double) value);
      case LORA_DROPOUT -> loraDropout((Double) value);
      case LORA_TARGET_MODULES -> targetModules((List<String>) value);
      case LORA_USE_RSLORA -> useRslora((Boolean) value);
      case QUANT_TYPE -> quantType((String) value);
      case QUANT_DOUBLE_QUANT -> doubleQuant((Boolean) value);
      case QUANT_BLOCKSIZE -> blocksize((Integer) value);
      case OPTIMIZER -> optimizer((String) value);
      case LEARNING_RATE -> learningRate((Double) value);
      case WEIGHT_DECAY -> weightDecay((Double) value);
      case EPOCHS -> epochs((Integer) value);
      case BATCH_SIZE -> batchSize((Integer) value);
      case SEQ_LEN -> seqLen((Integer) value);
      case SEED -> seed((Long) value);
      case MAX_STEPS -> maxSteps((Integer) value);
      case CHECKPOINT_EVERY -> checkpointEvery((Integer) value);
      case GRADIENT_ACCUMULATION_STEPS -> gradientAccumulationSteps((Integer) value);
      case WARMUP_RATIO -> warmupRatio((Double) value);
      case MAX_GRAD_NORM -> maxGradNorm((Double) value);
      case PACKING -> packing((Boolean) value);
      case COMPUTE_DTYPE -> computeDtype((String) value);
    };
  }

  /** The spec, defaults filled in (not validated). */
  public JobSpec build() {
    return new JobSpec(
            new LoraConfig(
                or(loraR, JobSpec.DEFAULT_LORA_R),
                or(loraAlpha, JobSpec.DEFAULT_LORA_ALPHA),
                or(loraDropout, JobSpec.DEFAULT_LORA_DROPOUT),
                targetModules,
                useRslora),
            new QuantConfig(
                or(quantType, JobSpec.DEFAULT_QUANT_TYPE),
                or(doubleQuant, JobSpec.DEFAULT_DOUBLE_QUANT),
                blocksize),
            new OptimizerConfig(
                or(optimizer, JobSpec.DEFAULT_OPTIMIZER),
                or(learningRate, JobSpec.DEFAULT_LEARNING_RATE),
                weightDecay),
            new TrainingConfig(
                or(epochs, JobSpec.DEFAULT_EPOCHS),
                or(batchSize, JobSpec.DEFAULT_BATCH_SIZE),
                or(seqLen, JobSpec.DEFAULT_SEQ_LEN),
                or(seed, JobSpec.DEFAULT_SEED),
                maxSteps,
                checkpointEvery,
                gradientAccumulationSteps,
                warmupRatio,
                maxGradNorm,
                packing,
                computeDtype))
        .withDefaults();
  }

  private static <T> T or(T value, T dflt) {
    return value != null ? value : dflt;
  }
}
