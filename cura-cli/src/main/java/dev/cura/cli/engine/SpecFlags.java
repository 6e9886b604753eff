package dev.cura.cli.engine;

import dev.cura.events.JobSpec;
import dev.cura.events.JobSpec.Field;
import dev.cura.events.JobSpec.Violation;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;

/**
 * {@code ./cura train}'s flags ↔ the job spec's fields: the defaults the help shows are the spec's,
 * and a setting outside the spec's rules (or an engine error naming a spec field) is reported with
 * the flag the user typed.
 */
public final class SpecFlags implements CommandLine.IDefaultValueProvider {
  private static final Map<Field, String> FLAGS = new EnumMap<>(Field.class);

  static {
    FLAGS.put(Field.LORA_R, "--rank");
    FLAGS.put(Field.LORA_ALPHA, "--alpha");
    FLAGS.put(Field.LORA_DROPOUT, "--dropout");
    FLAGS.put(Field.LORA_TARGET_MODULES, "--target");
    FLAGS.put(Field.LORA_USE_RSLORA, "--rslora");
    FLAGS.put(Field.QUANT_TYPE, "--quant");
    FLAGS.put(Field.QUANT_DOUBLE_QUANT, "--no-double-quant");
    FLAGS.put(Field.QUANT_BLOCKSIZE, "--blocksize");
    FLAGS.put(Field.OPTIMIZER, "--optimizer");
    FLAGS.put(Field.LEARNING_RATE, "--lr");
    FLAGS.put(Field.WEIGHT_DECAY, "--weight-decay");
    FLAGS.put(Field.EPOCHS, "--epochs");
    FLAGS.put(Field.BATCH_SIZE, "--batch-size");
    FLAGS.put(Field.SEQ_LEN, "--seq-len");
    FLAGS.put(Field.SEED, "--seed");
    FLAGS.put(Field.MAX_STEPS, "--steps");
    FLAGS.put(Field.CHECKPOINT_EVERY, "--save-every");
    FLAGS.put(Field.GRADIENT_ACCUMULATION_STEPS, "--grad-accum");
    FLAGS.put(Field.WARMUP_RATIO, "--warmup-ratio");
    FLAGS.put(Field.MAX_GRAD_NORM, "--max-grad-norm");
    FLAGS.put(Field.PACKING, "--packing");
  }

  /** {@link JobSpec#OPTIMIZERS}, for {@code ${COMPLETION-CANDIDATES}} in the help. */
  public static final class Optimizers implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return JobSpec.OPTIMIZERS.iterator();
    }
  }

  /** {@link JobSpec#QUANT_TYPES}, for {@code ${COMPLETION-CANDIDATES}} in the help. */
  public static final class QuantTypes implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return JobSpec.QUANT_TYPES.iterator();
    }
  }

  /** The flag of a spec field. */
  public static String flag(Field f) {
    return FLAGS.get(f);
  }

  /** Every violation, each worded with its flag. */
  public static String describe(java.util.List<Violation> violations) {
    return violations.stream()
        .map(v -> v.messageFor(flag(v.field())))
        .collect(Collectors.joining("; "));
  }

  /**
   * An engine message that starts with a spec field's path ({@code "lora.target_modules must …"})
   * with the flag in its place; other messages unchanged.
   */
  public static String withFlags(String message) {
    if (message == null) {
      return null;
    }
    for (Field f : Field.values()) {
      if (message.startsWith(f.path() + " ")) {
        return flag(f) + message.substring(f.path().length());
      }
    }
    return message;
  }

  /** The spec's default of the option, for {@code ${DEFAULT-VALUE}} in the help. */
  @Override
  public String defaultValue(CommandLine.Model.ArgSpec arg) {
    if (!(arg instanceof CommandLine.Model.OptionSpec o)) {
      return null;
    }
    JobSpec d = JobSpec.builder().build();
    for (var e : FLAGS.entrySet()) {
      if (e.getValue().equals(o.longestName())) {
        return switch (e.getKey()) {
          case LORA_R -> String.valueOf(d.lora().r());
          case LORA_ALPHA -> String.valueOf(d.lora().alpha());
          case LORA_DROPOUT -> String.valueOf(d.lora().dropout());
          case QUANT_TYPE -> d.quantization().type();
          case QUANT_BLOCKSIZE -> String.valueOf(d.quantization().blocksize());
          case OPTIMIZER -> d.optimizer().name();
          case LEARNING_RATE -> String.valueOf(d.optimizer().learningRate());
          case WEIGHT_DECAY -> String.valueOf(d.optimizer().weightDecay());
          case EPOCHS -> String.valueOf(d.training().epochs());
          case BATCH_SIZE -> String.valueOf(d.training().batchSize());
          case SEQ_LEN -> String.valueOf(d.training().seqLen());
          case SEED -> String.valueOf(d.training().seed());
          case CHECKPOINT_EVERY -> String.valueOf(JobSpec.DEFAULT_CHECKPOINT_EVERY);
          case GRADIENT_ACCUMULATION_STEPS ->
              String.valueOf(d.training().gradientAccumulationSteps());
          case WARMUP_RATIO -> String.valueOf(d.training().warmupRatio());
          case MAX_GRAD_NORM -> String.valueOf(d.training().maxGradNorm());
          default -> null; // flags and optional settings without a value to show
        };
      }
    }
    return null;
  }
}
