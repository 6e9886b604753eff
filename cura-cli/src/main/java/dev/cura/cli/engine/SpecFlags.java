package dev.cura.cli.engine;

import dev.cura.events.JobSpec;
import dev.cura.events.JobSpec.Field;
import dev.cura.events.JobSpec.Violation;
import dev.cura.events.JobSpecBuilder;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code ./cura train}'s flags ↔ the job spec's fields, one table ({@link #FLAGS}): it adds the
 * flags to the command (a picocli model transformer), turns what was given into a {@link JobSpec},
 * shows the spec's defaults in the help, and reports a setting outside the spec's rules (or an
 * engine error naming a spec field) with the flag the user typed.
 */
public final class SpecFlags
    implements CommandLine.IDefaultValueProvider, CommandLine.IModelTransformer {

  /** One spec setting as a flag: its field, flag and help text. */
  public record Flag(Field field, String name, String description) {
    /** {@code --no-double-quant}: a flag that turns a setting off. */
    boolean negates() {
      return name.startsWith("--no-");
    }
  }

  private static final String DEFAULT = "(default ${DEFAULT-VALUE})";

  /** Every spec setting's flag, in the spec's field order. */
  public static final List<Flag> FLAGS =
      List.of(
          new Flag(Field.LORA_R, "--rank", "LoRA r " + DEFAULT),
          new Flag(Field.LORA_ALPHA, "--alpha", "LoRA alpha " + DEFAULT),
          new Flag(Field.LORA_DROPOUT, "--dropout", "LoRA dropout " + DEFAULT),
          new Flag(
              Field.LORA_TARGET_MODULES,
              "--target",
              "LoRA modules (default: all of q,k,v,o,gate,up,down _proj)"),
          new Flag(Field.LORA_USE_RSLORA, "--rslora", "scale by alpha/sqrt(r)"),
          new Flag(Field.QUANT_TYPE, "--quant", "${COMPLETION-CANDIDATES} " + DEFAULT),
          new Flag(
              Field.QUANT_DOUBLE_QUANT,
              "--no-double-quant",
              "do not quantize the absmax constants"),
          new Flag(Field.QUANT_BLOCKSIZE, "--blocksize", "4-bit block size " + DEFAULT),
          new Flag(Field.OPTIMIZER, "--optimizer", "${COMPLETION-CANDIDATES} " + DEFAULT),
          new Flag(Field.LEARNING_RATE, "--lr", "learning rate " + DEFAULT),
          new Flag(Field.WEIGHT_DECAY, "--weight-decay", DEFAULT),
          new Flag(Field.EPOCHS, "--epochs", "passes over the data " + DEFAULT),
          new Flag(Field.BATCH_SIZE, "--batch-size", "sequences per micro-batch " + DEFAULT),
          new Flag(Field.SEQ_LEN, "--seq-len", "max tokens per sequence " + DEFAULT),
          new Flag(Field.SEED, "--seed", DEFAULT),
          new Flag(Field.MAX_STEPS, "--steps", "optimizer steps (default: --epochs over the data)"),
          new Flag(Field.CHECKPOINT_EVERY, "--save-every", "checkpoint interval " + DEFAULT),
          new Flag(
              Field.GRADIENT_ACCUMULATION_STEPS,
              "--grad-accum",
              "micro-batches per optimizer step " + DEFAULT),
          new Flag(Field.WARMUP_RATIO, "--warmup-ratio", "warmup fraction of the steps " + DEFAULT),
          new Flag(Field.MAX_GRAD_NORM, "--max-grad-norm", "0 turns clipping off " + DEFAULT),
          new Flag(Field.PACKING, "--packing", "concatenate examples into full rows"),
          new Flag(
              Field.COMPUTE_DTYPE,
              "--compute-dtype",
              "bf16 | fp32: activations and matmuls (LoRA weights, optimizer states, norms, softmax"
                  + " and the loss stay float32); default: bf16 on CUDA, fp32 on the CPU (measured"
                  + " faster there)"));

  /** {@link JobSpec#OPTIMIZERS}, for {@code ${COMPLETION-CANDIDATES}} in the help. */
  public static final class Optimizers implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return JobSpec.OPTIMIZERS.iterator();
    }
  }

  /** {@link JobSpec#QUANT_TYPES}, for {@code ${COMPLETION-CANDIDATES}} in the help. */
  public static final class QuantTypes implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return JobSpec.QUANT_TYPES.iterator();
    }
  }

  /** Adds every spec flag to the command. */
  @Override
  public CommandSpec transform(CommandSpec command) {
    for (Flag f : FLAGS) {
      OptionSpec.Builder o = option(f.name(), f.field().type(), f.description());
      switch (f.field()) {
        case QUANT_TYPE -> o.completionCandidates(new QuantTypes());
        case OPTIMIZER -> o.completionCandidates(new Optimizers());
        default -> {}
      }
      command.addOption(o.build());
    }
    return command;
  }

  /** The settings of a parsed command as a job spec (defaults for what no flag set). */
  public static JobSpec spec(CommandSpec command) {
    JobSpecBuilder b = JobSpec.builder();
    for (Flag f : FLAGS) {
      Object v = command.findOption(f.name()).getValue();
      if (f.field().type() == Boolean.class) {
        v = f.negates() != Boolean.TRUE.equals(v); // a flag given or not
      }
      b.set(f.field(), v);
    }
    return b.build();
  }

  /**
   * A flag declared as picocli declares an annotated field of {@code type} named after it: label
   * {@code <batchSize>} for {@code --batch-size}, a Boolean as a flag without a value, a List
   * comma-separated.
   */
  public static OptionSpec.Builder option(String name, Class<?> type, String description) {
    OptionSpec.Builder o =
        OptionSpec.builder(name).description(description).paramLabel(label(name));
    if (type == Boolean.class) {
      o.type(boolean.class).arity("0");
    } else if (type == List.class) {
      o.type(List.class).auxiliaryTypes(String.class).splitRegex(",");
    } else {
      o.type(type);
    }
    return o;
  }

  /** {@code <batchSize>} for {@code --batch-size}, as picocli labels an annotated field. */
  private static String label(String name) {
    String[] words = name.substring(2).split("-");
    StringBuilder s = new StringBuilder(words[0]);
    for (int i = 1; i < words.length; i++) {
      s.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
    }
    return "<" + s + ">";
  }

  /** The flag of a spec field. */
  public static String flag(Field field) {
    return FLAGS.stream().filter(f -> f.field() == field).findFirst().orElseThrow().name();
  }

  /** Every violation, each worded with its flag. */
  public static String describe(List<Violation> violations) {
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
    if (!(arg instanceof OptionSpec o)) {
      return null;
    }
    for (Flag f : FLAGS) {
      if (f.name().equals(o.longestName())) {
        if (f.field() == Field.CHECKPOINT_EVERY) {
          return String.valueOf(JobSpec.DEFAULT_CHECKPOINT_EVERY);
        }
        Object v = JobSpec.builder().build().get(f.field());
        // flags show no value, nor do optional settings without a default
        return v == null || v instanceof Boolean ? null : String.valueOf(v);
      }
    }
    return null;
  }
}
