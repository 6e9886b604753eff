package dev.cura.cli.engine;

import dev.cura.events.JobSpec;
import dev.cura.events.JobSpec.Field;
import dev.cura.events.JobSpec.Violation;
import dev.cura.events.JobSpecBuilder;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiFunction;
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

  /**
   * One spec setting as a flag: the field, the flag, the value type (a boolean is a flag without a
   * value), how the value goes into the builder, and the help text.
   */
  public record Flag<T>(
      Field field,
      String name,
      Class<T> type,
      BiFunction<JobSpecBuilder, T, JobSpecBuilder> set,
      String description) {

    private JobSpecBuilder apply(JobSpecBuilder b, Object value) {
      return set.apply(b, type.cast(value));
    }
  }

  private static final String DEFAULT = "(default ${DEFAULT-VALUE})";

  /** Every spec setting's flag, in the spec's field order. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static final List<Flag<?>> FLAGS =
      List.of(
          new Flag<>(
              Field.LORA_R, "--rank", Integer.class, JobSpecBuilder::loraR, "LoRA r " + DEFAULT),
          new Flag<>(
              Field.LORA_ALPHA,
              "--alpha",
              Double.class,
              JobSpecBuilder::loraAlpha,
              "LoRA alpha " + DEFAULT),
          new Flag<>(
              Field.LORA_DROPOUT,
              "--dropout",
              Double.class,
              JobSpecBuilder::loraDropout,
              "LoRA dropout " + DEFAULT),
          new Flag<List>(
              Field.LORA_TARGET_MODULES,
              "--target",
              List.class,
              (b, v) -> b.targetModules(v),
              "LoRA modules (default: all of q,k,v,o,gate,up,down _proj)"),
          new Flag<>(
              Field.LORA_USE_RSLORA,
              "--rslora",
              Boolean.class,
              JobSpecBuilder::useRslora,
              "scale by alpha/sqrt(r)"),
          new Flag<>(
              Field.QUANT_TYPE,
              "--quant",
              String.class,
              JobSpecBuilder::quantType,
              "${COMPLETION-CANDIDATES} " + DEFAULT),
          new Flag<>(
              Field.QUANT_DOUBLE_QUANT,
              "--no-double-quant",
              Boolean.class,
              (b, v) -> b.doubleQuant(!v),
              "do not quantize the absmax constants"),
          new Flag<>(
              Field.QUANT_BLOCKSIZE,
              "--blocksize",
              Integer.class,
              JobSpecBuilder::blocksize,
              "4-bit block size " + DEFAULT),
          new Flag<>(
              Field.OPTIMIZER,
              "--optimizer",
              String.class,
              JobSpecBuilder::optimizer,
              "${COMPLETION-CANDIDATES} " + DEFAULT),
          new Flag<>(
              Field.LEARNING_RATE,
              "--lr",
              Double.class,
              JobSpecBuilder::learningRate,
              "learning rate " + DEFAULT),
          new Flag<>(
              Field.WEIGHT_DECAY,
              "--weight-decay",
              Double.class,
              JobSpecBuilder::weightDecay,
              DEFAULT),
          new Flag<>(
              Field.EPOCHS,
              "--epochs",
              Integer.class,
              JobSpecBuilder::epochs,
              "passes over the data " + DEFAULT),
          new Flag<>(
              Field.BATCH_SIZE,
              "--batch-size",
              Integer.class,
              JobSpecBuilder::batchSize,
              "sequences per micro-batch " + DEFAULT),
          new Flag<>(
              Field.SEQ_LEN,
              "--seq-len",
              Integer.class,
              JobSpecBuilder::seqLen,
              "max tokens per sequence " + DEFAULT),
          new Flag<>(Field.SEED, "--seed", Long.class, JobSpecBuilder::seed, DEFAULT),
          new Flag<>(
              Field.MAX_STEPS,
              "--steps",
              Integer.class,
              JobSpecBuilder::maxSteps,
              "optimizer steps (default: --epochs over the data)"),
          new Flag<>(
              Field.CHECKPOINT_EVERY,
              "--save-every",
              Integer.class,
              JobSpecBuilder::checkpointEvery,
              "checkpoint interval " + DEFAULT),
          new Flag<>(
              Field.GRADIENT_ACCUMULATION_STEPS,
              "--grad-accum",
              Integer.class,
              JobSpecBuilder::gradientAccumulationSteps,
              "micro-batches per optimizer step " + DEFAULT),
          new Flag<>(
              Field.WARMUP_RATIO,
              "--warmup-ratio",
              Double.class,
              JobSpecBuilder::warmupRatio,
              "warmup fraction of the steps " + DEFAULT),
          new Flag<>(
              Field.MAX_GRAD_NORM,
              "--max-grad-norm",
              Double.class,
              JobSpecBuilder::maxGradNorm,
              "0 turns clipping off " + DEFAULT),
          new Flag<>(
              Field.PACKING,
              "--packing",
              Boolean.class,
              JobSpecBuilder::packing,
              "concatenate examples into full rows"),
          new Flag<>(
              Field.COMPUTE_DTYPE,
              "--compute-dtype",
              String.class,
              JobSpecBuilder::computeDtype,
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
    for (Flag<?> f : FLAGS) {
      OptionSpec.Builder o =
          OptionSpec.builder(f.name()).description(f.description()).paramLabel(label(f));
      if (f.type() == Boolean.class) {
        o.type(boolean.class).arity("0");
      } else if (f.type() == List.class) {
        o.type(List.class).auxiliaryTypes(String.class).splitRegex(",");
      } else {
        o.type(f.type());
      }
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
    for (Flag<?> f : FLAGS) {
      Object v = command.findOption(f.name()).getValue();
      b = f.apply(b, v == null && f.type() == Boolean.class ? Boolean.FALSE : v);
    }
    return b.build();
  }

  /** {@code <batchSize>} for {@code --batch-size}, as picocli labels an annotated field. */
  private static String label(Flag<?> f) {
    String[] words = f.name().substring(2).split("-");
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
    JobSpec d = JobSpec.builder().build();
    for (Flag<?> f : FLAGS) {
      if (f.name().equals(o.longestName())) {
        return switch (f.field()) {
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
