package dev.cura.events;

import dev.cura.events.JobSpec.Field;
import dev.cura.events.JobSpec.Violation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;

/** The ranges and closed sets of {@link JobSpec}; one method per kind of rule. */
final class JobSpecRules {
  static final int MAX_LORA_R = 1024;
  static final double MAX_LORA_ALPHA = 100_000;
  static final int MAX_EPOCHS = 100;
  static final int MAX_BATCH_SIZE = 1024;
  static final int MIN_SEQ_LEN = 8;
  static final int MAX_SEQ_LEN = 131_072;
  static final int MAX_STEPS = 100_000_000;
  static final int MAX_GRADIENT_ACCUMULATION_STEPS = 1024;
  static final double MAX_GRAD_NORM_LIMIT = 1e6;
  // a module name as transformers spells it: q_proj, mlp.down_proj, …
  private static final Pattern MODULE = Pattern.compile("[A-Za-z0-9_.]{1,100}");

  private final List<Violation> out = new ArrayList<>();

  private JobSpecRules() {}

  static List<Violation> check(JobSpec s) {
    var r = new JobSpecRules();
    var l = s.lora();
    r.intIn(Field.LORA_R, l.r(), 1, MAX_LORA_R);
    r.numberIn(Field.LORA_ALPHA, l.alpha(), 0, false, MAX_LORA_ALPHA, true);
    r.numberIn(Field.LORA_DROPOUT, l.dropout(), 0, true, 1, false);
    r.moduleNames(l.targetModules());
    var q = s.quantization();
    r.oneOf(Field.QUANT_TYPE, q.type(), JobSpec.QUANT_TYPES);
    if (q.blocksize() != null) {
      r.oneOf(Field.QUANT_BLOCKSIZE, q.blocksize(), JobSpec.BLOCK_SIZES);
    }
    var o = s.optimizer();
    r.oneOf(Field.OPTIMIZER, o.name(), JobSpec.OPTIMIZERS);
    r.numberIn(Field.LEARNING_RATE, o.learningRate(), 0, false, 1, true);
    if (o.weightDecay() != null) {
      r.numberIn(Field.WEIGHT_DECAY, o.weightDecay(), 0, true, 1, true);
    }
    var t = s.training();
    r.intIn(Field.EPOCHS, t.epochs(), 1, MAX_EPOCHS);
    r.intIn(Field.BATCH_SIZE, t.batchSize(), 1, MAX_BATCH_SIZE);
    r.intIn(Field.SEQ_LEN, t.seqLen(), MIN_SEQ_LEN, MAX_SEQ_LEN);
    if (t.seed() < 0) {
      r.add(Field.SEED, "must be a non-negative integer, got " + t.seed());
    }
    r.optionalIntIn(Field.MAX_STEPS, t.maxSteps(), 1, MAX_STEPS);
    r.optionalIntIn(Field.CHECKPOINT_EVERY, t.checkpointEvery(), 1, MAX_STEPS);
    r.optionalIntIn(
        Field.GRADIENT_ACCUMULATION_STEPS,
        t.gradientAccumulationSteps(),
        1,
        MAX_GRADIENT_ACCUMULATION_STEPS);
    if (t.warmupRatio() != null) {
      r.numberIn(Field.WARMUP_RATIO, t.warmupRatio(), 0, true, 1, false);
    }
    if (t.maxGradNorm() != null) {
      r.numberIn(Field.MAX_GRAD_NORM, t.maxGradNorm(), 0, true, MAX_GRAD_NORM_LIMIT, true);
    }
    return List.copyOf(r.out);
  }

  private void add(Field f, String problem) {
    out.add(new Violation(f, problem));
  }

  private void intIn(Field f, long v, long min, long max) {
    if (v < min || v > max) {
      add(f, "must be an integer in " + min + ".." + max + ", got " + v);
    }
  }

  private void optionalIntIn(Field f, Integer v, long min, long max) {
    if (v != null) {
      intIn(f, v, min, max);
    }
  }

  private void numberIn(
      Field f, double v, double min, boolean minIncluded, double max, boolean maxIncluded) {
    boolean ok =
        Double.isFinite(v)
            && (minIncluded ? v >= min : v > min)
            && (maxIncluded ? v <= max : v < max);
    if (!ok) {
      add(
          f,
          "must be a number in "
              + (minIncluded ? "[" : "(")
              + number(min)
              + ", "
              + number(max)
              + (maxIncluded ? "]" : ")")
              + ", got "
              + number(v));
    }
  }

  private <T> void oneOf(Field f, T v, List<T> allowed) {
    if (!allowed.contains(v)) {
      String got = v instanceof String str ? "'" + str + "'" : String.valueOf(v);
      add(f, "must be one of " + allowed + ", got " + got);
    }
  }

  private void moduleNames(List<String> names) {
    if (names == null) {
      return;
    }
    if (names.isEmpty()) {
      add(Field.LORA_TARGET_MODULES, "must name at least one module (absent = all linears)");
      return;
    }
    var seen = new HashSet<String>();
    for (String n : names) {
      if (n == null || !MODULE.matcher(n).matches()) {
        add(
            Field.LORA_TARGET_MODULES,
            "must hold module names of letters, digits, '_' and '.', got "
                + (n == null ? "null" : "'" + n + "'"));
        return;
      }
      if (!seen.add(n)) {
        add(Field.LORA_TARGET_MODULES, "names '" + n + "' twice");
        return;
      }
    }
  }

  /** 2e-4 stays 2.0E-4, 16.0 prints as 16. */
  static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
