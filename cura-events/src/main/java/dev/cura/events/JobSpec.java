package dev.cura.events;

import java.util.List;

/**
 * The settings of a fine-tuning job — LoRA, base-model quantization, optimizer, training loop —
 * with the one rule set for them: the closed sets, the ranges and the defaults. The gateway, the
 * trainer and {@code ./cura train} all build their job from here, so the same settings mean the
 * same run wherever a job comes from; each maps a {@link Violation} to its own vocabulary (an API
 * error whose {@code param} names the request field, a {@code user_error}, a command-line flag).
 *
 * <p>Defaults follow the QLoRA paper and its released scripts (QLORA-SPEC §8, {@code
 * scripts/finetune_guanaco_7b.sh}): NF4 with double quantization and block size 64, LoRA on all
 * linears with r = 64, α = 16, dropout 0.1 (the value for models up to 13B), paged AdamW 32-bit,
 * learning rate 2e-4, no weight decay, 16 sequences per optimizer step, 512 tokens per sequence, a
 * constant schedule after a 3 % linear warmup, max gradient norm 0.3, seed 42, one epoch.
 *
 * <pre>{@code
 * JobSpec spec = JobSpec.builder().loraR(16).maxSteps(100).build();   // the rest: defaults
 * List<JobSpec.Violation> bad = spec.violations();                     // empty when valid
 * JobSpec.of(fineTuneRequested).withDefaults().requireValid();         // an event from Kafka
 * }</pre>
 */
public record JobSpec(
    LoraConfig lora, QuantConfig quantization, OptimizerConfig optimizer, TrainingConfig training) {
  public JobSpec {
    if (lora == null || quantization == null || optimizer == null || training == null) {
      throw new IllegalArgumentException(
          "a job spec needs lora, quantization, optimizer and training settings");
    }
  }

  /** Optimizer names (bitsandbytes/transformers {@code optim} names); the first is the default. */
  public static final List<String> OPTIMIZERS =
      List.of("paged_adamw_32bit", "paged_adamw_8bit", "adamw_32bit");

  /**
   * Base-model storage: 4-bit NormalFloat, 4-bit float, or unquantized; the first is the default.
   */
  public static final List<String> QUANT_TYPES = List.of("nf4", "fp4", "none");

  /** 4-bit quantization block sizes (bitsandbytes' set). */
  public static final List<Integer> BLOCK_SIZES = List.of(32, 64, 128, 256, 512, 1024, 2048, 4096);

  /**
   * Compute data types of activations and matmuls (QLoRA's bnb_4bit_compute_dtype is bf16); absent
   * means the trainer's device default.
   */
  public static final List<String> COMPUTE_DTYPES = List.of("bf16", "fp32");

  public static final int DEFAULT_LORA_R = 64;
  public static final double DEFAULT_LORA_ALPHA = 16;
  public static final double DEFAULT_LORA_DROPOUT = 0.1;
  public static final boolean DEFAULT_USE_RSLORA = false;
  public static final String DEFAULT_QUANT_TYPE = QUANT_TYPES.get(0);
  public static final boolean DEFAULT_DOUBLE_QUANT = true;
  public static final int DEFAULT_BLOCKSIZE = 64;
  public static final String DEFAULT_OPTIMIZER = OPTIMIZERS.get(0);
  public static final double DEFAULT_LEARNING_RATE = 2e-4;
  public static final double DEFAULT_WEIGHT_DECAY = 0.0;
  public static final int DEFAULT_EPOCHS = 1;
  public static final int DEFAULT_BATCH_SIZE = 16;
  public static final int DEFAULT_GRADIENT_ACCUMULATION_STEPS = 1;
  public static final int DEFAULT_SEQ_LEN = 512;
  public static final long DEFAULT_SEED = 42;
  public static final double DEFAULT_WARMUP_RATIO = 0.03;
  public static final double DEFAULT_MAX_GRAD_NORM = 0.3;
  public static final boolean DEFAULT_PACKING = false;

  /** Steps between checkpoints when neither the job nor the trainer's configuration says. */
  public static final int DEFAULT_CHECKPOINT_EVERY = 50;

  /** Every setting, by its path in the event JSON ({@code FineTuneRequested}). */
  public enum Field {
    LORA_R("lora.r", Integer.class),
    LORA_ALPHA("lora.alpha", Double.class),
    LORA_DROPOUT("lora.dropout", Double.class),
    LORA_TARGET_MODULES("lora.target_modules", List.class),
    LORA_USE_RSLORA("lora.use_rslora", Boolean.class),
    QUANT_TYPE("quantization.type", String.class),
    QUANT_DOUBLE_QUANT("quantization.double_quant", Boolean.class),
    QUANT_BLOCKSIZE("quantization.blocksize", Integer.class),
    OPTIMIZER("optimizer.name", String.class),
    LEARNING_RATE("optimizer.learning_rate", Double.class),
    WEIGHT_DECAY("optimizer.weight_decay", Double.class),
    EPOCHS("training.epochs", Integer.class),
    BATCH_SIZE("training.batch_size", Integer.class),
    SEQ_LEN("training.seq_len", Integer.class),
    SEED("training.seed", Long.class),
    MAX_STEPS("training.max_steps", Integer.class),
    CHECKPOINT_EVERY("training.checkpoint_every", Integer.class),
    GRADIENT_ACCUMULATION_STEPS("training.gradient_accumulation_steps", Integer.class),
    WARMUP_RATIO("training.warmup_ratio", Double.class),
    MAX_GRAD_NORM("training.max_grad_norm", Double.class),
    PACKING("training.packing", Boolean.class),
    COMPUTE_DTYPE("training.compute_dtype", String.class);

    private final String path;
    private final Class<?> type;

    Field(String path, Class<?> type) {
      this.path = path;
      this.type = type;
    }

    /**
     * The type of the setting's value in {@link JobSpecBuilder#set} and {@link JobSpec#get}:
     * Integer, Long, Double, Boolean, String, or List (of strings).
     */
    public Class<?> type() {
      return type;
    }

    /** The JSON path, e.g. {@code lora.r}. */
    public String path() {
      return path;
    }

    @Override
    public String toString() {
      return path;
    }
  }

  /** The value of a setting (of its {@link Field#type()}), null where it is unset. */
  public Object get(Field field) {
    return switch (field) {
      case LORA_R -> lora.r();
      case LORA_ALPHA -> lora.alpha();
      case LORA_DROPOUT -> lora.dropout();
      case LORA_TARGET_MODULES -> lora.targetModules();
      case LORA_USE_RSLORA -> lora.useRslora();
      case QUANT_TYPE -> quantization.type();
      case QUANT_DOUBLE_QUANT -> quantization.doubleQuant();
      case QUANT_BLOCKSIZE -> quantization.blocksize();
      case OPTIMIZER -> optimizer.name();
      case LEARNING_RATE -> optimizer.learningRate();
      case WEIGHT_DECAY -> optimizer.weightDecay();
      case EPOCHS -> training.epochs();
      case BATCH_SIZE -> training.batchSize();
      case SEQ_LEN -> training.seqLen();
      case SEED -> training.seed();
      case MAX_STEPS -> training.maxSteps();
      case CHECKPOINT_EVERY -> training.checkpointEvery();
      case GRADIENT_ACCUMULATION_STEPS -> training.gradientAccumulationSteps();
      case WARMUP_RATIO -> training.warmupRatio();
      case MAX_GRAD_NORM -> training.maxGradNorm();
      case PACKING -> training.packing();
      case COMPUTE_DTYPE -> training.computeDtype();
    };
  }

  /**
   * A setting outside the rules.
   *
   * @param field the setting
   * @param problem what was expected and what came, without the field's name ({@code "must be an
   *     integer in 1..1024, got 0"}), so each caller can put its own name for the field in front
   */
  public record Violation(Field field, String problem) {
    /** The problem with the field's JSON path in front. */
    public String message() {
      return messageFor(field.path());
    }

    /** The problem with the caller's name for the field in front (a flag, a request param). */
    public String messageFor(String name) {
      return name + " " + problem;
    }
  }

  /** The settings of a requested job, as given (absent optional fields stay null). */
  public static JobSpec of(FineTuneRequested request) {
    return new JobSpec(
        request.lora(), request.quantization(), request.optimizer(), request.training());
  }

  /** A builder whose unset values take the defaults. */
  public static JobSpecBuilder builder() {
    return new JobSpecBuilder();
  }

  /** A builder holding every setting of this spec (to change a few). */
  public JobSpecBuilder toBuilder() {
    var l = lora;
    var q = quantization;
    var o = optimizer;
    var t = training;
    return builder()
        .loraR(l.r())
        .loraAlpha(l.alpha())
        .loraDropout(l.dropout())
        .targetModules(l.targetModules())
        .useRslora(l.useRslora())
        .quantType(q.type())
        .doubleQuant(q.doubleQuant())
        .blocksize(q.blocksize())
        .optimizer(o.name())
        .learningRate(o.learningRate())
        .weightDecay(o.weightDecay())
        .epochs(t.epochs())
        .batchSize(t.batchSize())
        .seqLen(t.seqLen())
        .seed(t.seed())
        .maxSteps(t.maxSteps())
        .checkpointEvery(t.checkpointEvery())
        .gradientAccumulationSteps(t.gradientAccumulationSteps())
        .warmupRatio(t.warmupRatio())
        .maxGradNorm(t.maxGradNorm())
        .packing(t.packing())
        .computeDtype(t.computeDtype());
  }

  /**
   * This spec with every absent optional setting that has a default filled in. Absent target
   * modules (all decoder linears), max steps (run the epochs), checkpoint interval (the trainer's
   * setting) and compute dtype (the trainer's device default: bf16 on a GPU, fp32 on the CPU) stay
   * absent: their meaning is the absence.
   */
  public JobSpec withDefaults() {
    var l = lora;
    var q = quantization;
    var o = optimizer;
    var t = training;
    return new JobSpec(
        new LoraConfig(
            l.r(),
            l.alpha(),
            l.dropout(),
            l.targetModules(),
            or(l.useRslora(), DEFAULT_USE_RSLORA)),
        new QuantConfig(q.type(), q.doubleQuant(), or(q.blocksize(), DEFAULT_BLOCKSIZE)),
        new OptimizerConfig(o.name(), o.learningRate(), or(o.weightDecay(), DEFAULT_WEIGHT_DECAY)),
        new TrainingConfig(
            t.epochs(),
            t.batchSize(),
            t.seqLen(),
            t.seed(),
            t.maxSteps(),
            t.checkpointEvery(),
            or(t.gradientAccumulationSteps(), DEFAULT_GRADIENT_ACCUMULATION_STEPS),
            or(t.warmupRatio(), DEFAULT_WARMUP_RATIO),
            or(t.maxGradNorm(), DEFAULT_MAX_GRAD_NORM),
            or(t.packing(), DEFAULT_PACKING),
            t.computeDtype()));
  }

  /** Every setting outside the rules, in {@link Field} order; empty when the spec is valid. */
  public List<Violation> violations() {
    return JobSpecRules.check(this);
  }

  /**
   * This spec if it is valid.
   *
   * @throws InvalidJobSpecException naming every violation
   */
  public JobSpec requireValid() {
    List<Violation> v = violations();
    if (!v.isEmpty()) {
      throw new InvalidJobSpecException(v);
    }
    return this;
  }

  /** Sequences per optimizer step: batch size × gradient accumulation steps. */
  public long sequencesPerStep() {
    return (long) training.batchSize()
        * or(training.gradientAccumulationSteps(), DEFAULT_GRADIENT_ACCUMULATION_STEPS);
  }

  /**
   * Optimizer steps of the run: {@code max_steps} when set, else epochs × ⌈rows per epoch /
   * sequences per step⌉.
   *
   * @param rowsPerEpoch training sequences in one pass over the data (examples, or packed rows)
   */
  public long steps(long rowsPerEpoch) {
    if (training.maxSteps() != null) {
      return training.maxSteps();
    }
    long per = sequencesPerStep();
    return training.epochs() * Math.max(1, (rowsPerEpoch + per - 1) / per);
  }

  /** Linear-warmup steps of a run of {@code steps}: ⌈warmup ratio × steps⌉ (as transformers). */
  public int warmupSteps(long steps) {
    return (int) Math.ceil(or(training.warmupRatio(), DEFAULT_WARMUP_RATIO) * steps);
  }

  private static <T> T or(T value, T dflt) {
    return value != null ? value : dflt;
  }
}
