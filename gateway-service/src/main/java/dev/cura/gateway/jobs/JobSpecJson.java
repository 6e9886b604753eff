package dev.cura.gateway.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.events.JobSpec;
import dev.cura.events.JobSpec.Field;
import dev.cura.events.JobSpecBuilder;
import dev.cura.rest.api.ApiException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * The job settings of the REST API ({@code hyperparameters}, {@code quantization}, {@code
 * optimizer}, {@code seed}) ↔ the one rule set, {@link JobSpec}: JSON types are checked here,
 * ranges, closed sets and defaults come from {@link JobSpec}, and each of its violations becomes a
 * 400 whose {@code param} is the request field ({@code lora.r} → {@code hyperparameters.lora_r}).
 */
final class JobSpecJson {
  static final String HYPERPARAMETERS = "hyperparameters";
  static final String QUANTIZATION = "quantization";

  private enum Kind {
    INT,
    NUMBER,
    BOOLEAN,
    STRING,
    SEED,
    STRINGS
  }

  /** One request field: where it sits, its JSON kind, and the spec setting it fills. */
  private record Param(
      Field field,
      String section,
      String name,
      Kind kind,
      BiConsumer<JobSpecBuilder, Object> set,
      Function<JobSpec, Object> get) {
    String path() {
      return section.isEmpty() ? name : section + "." + name;
    }
  }

  private static final List<Param> PARAMS =
      List.of(
          hp(
              Field.EPOCHS,
              "n_epochs",
              Kind.INT,
              (b, v) -> b.epochs((Integer) v),
              s -> s.training().epochs()),
          hp(
              Field.BATCH_SIZE,
              "batch_size",
              Kind.INT,
              (b, v) -> b.batchSize((Integer) v),
              s -> s.training().batchSize()),
          hp(
              Field.LEARNING_RATE,
              "learning_rate",
              Kind.NUMBER,
              (b, v) -> b.learningRate((Double) v),
              s -> s.optimizer().learningRate()),
          hp(Field.LORA_R, "lora_r", Kind.INT, (b, v) -> b.loraR((Integer) v), s -> s.lora().r()),
          hp(
              Field.LORA_ALPHA,
              "lora_alpha",
              Kind.NUMBER,
              (b, v) -> b.loraAlpha((Double) v),
              s -> s.lora().alpha()),
          hp(
              Field.LORA_DROPOUT,
              "lora_dropout",
              Kind.NUMBER,
              (b, v) -> b.loraDropout((Double) v),
              s -> s.lora().dropout()),
          hp(
              Field.LORA_TARGET_MODULES,
              "lora_target_modules",
              Kind.STRINGS,
              (b, v) -> b.targetModules(strings(v)),
              s -> s.lora().targetModules()),
          hp(
              Field.LORA_USE_RSLORA,
              "use_rslora",
              Kind.BOOLEAN,
              (b, v) -> b.useRslora((Boolean) v),
              s -> s.lora().useRslora()),
          hp(
              Field.MAX_STEPS,
              "max_steps",
              Kind.INT,
              (b, v) -> b.maxSteps((Integer) v),
              s -> s.training().maxSteps()),
          hp(
              Field.SEQ_LEN,
              "seq_len",
              Kind.INT,
              (b, v) -> b.seqLen((Integer) v),
              s -> s.training().seqLen()),
          hp(
              Field.CHECKPOINT_EVERY,
              "checkpoint_every",
              Kind.INT,
              (b, v) -> b.checkpointEvery((Integer) v),
              s -> s.training().checkpointEvery()),
          hp(
              Field.GRADIENT_ACCUMULATION_STEPS,
              "gradient_accumulation_steps",
              Kind.INT,
              (b, v) -> b.gradientAccumulationSteps((Integer) v),
              s -> s.training().gradientAccumulationSteps()),
          hp(
              Field.WEIGHT_DECAY,
              "weight_decay",
              Kind.NUMBER,
              (b, v) -> b.weightDecay((Double) v),
              s -> s.optimizer().weightDecay()),
          hp(
              Field.WARMUP_RATIO,
              "warmup_ratio",
              Kind.NUMBER,
              (b, v) -> b.warmupRatio((Double) v),
              s -> s.training().warmupRatio()),
          hp(
              Field.MAX_GRAD_NORM,
              "max_grad_norm",
              Kind.NUMBER,
              (b, v) -> b.maxGradNorm((Double) v),
              s -> s.training().maxGradNorm()),
          hp(
              Field.PACKING,
              "packing",
              Kind.BOOLEAN,
              (b, v) -> b.packing((Boolean) v),
              s -> s.training().packing()),
          hp(
              Field.COMPUTE_DTYPE,
              "compute_dtype",
              Kind.STRING,
              (b, v) -> b.computeDtype((String) v),
              s -> s.training().computeDtype()),
          new Param(
              Field.QUANT_TYPE,
              QUANTIZATION,
              "type",
              Kind.STRING,
              (b, v) -> b.quantType((String) v),
              s -> s.quantization().type()),
          new Param(
              Field.QUANT_DOUBLE_QUANT,
              QUANTIZATION,
              "double_quant",
              Kind.BOOLEAN,
              (b, v) -> b.doubleQuant((Boolean) v),
              s -> s.quantization().doubleQuant()),
          new Param(
              Field.QUANT_BLOCKSIZE,
              QUANTIZATION,
              "blocksize",
              Kind.INT,
              (b, v) -> b.blocksize((Integer) v),
              s -> s.quantization().blocksize()),
          new Param(
              Field.OPTIMIZER,
              "",
              "optimizer",
              Kind.STRING,
              (b, v) -> b.optimizer((String) v),
              s -> s.optimizer().name()),
          new Param(
              Field.SEED,
              "",
              "seed",
              Kind.SEED,
              (b, v) -> b.seed((Long) v),
              s -> s.training().seed()));

  private static final Map<Field, Param> BY_FIELD = new EnumMap<>(Field.class);

  static {
    PARAMS.forEach(p -> BY_FIELD.put(p.field(), p));
  }

  /** Names allowed inside {@code hyperparameters} and {@code quantization}. */
  static final Set<String> HYPERPARAMETER_NAMES = names(HYPERPARAMETERS);

  static final Set<String> QUANTIZATION_NAMES = names(QUANTIZATION);

  private JobSpecJson() {}

  /**
   * The job settings of a request body, defaults filled in and validated.
   *
   * @param randomSeed seed used when the request has none (recorded on the job, as OpenAI does)
   * @throws ApiException 400 naming the first offending request field
   */
  static JobSpec read(JsonNode body, LongSupplier randomSeed) {
    JsonNode hp = section(body, HYPERPARAMETERS, HYPERPARAMETER_NAMES);
    JsonNode quant = section(body, QUANTIZATION, QUANTIZATION_NAMES);
    JobSpecBuilder b = JobSpec.builder().seed(randomSeed.getAsLong());
    for (Param p : PARAMS) {
      JsonNode parent =
          switch (p.section()) {
            case HYPERPARAMETERS -> hp;
            case QUANTIZATION -> quant;
            default -> body;
          };
      JsonNode v = parent.get(p.name());
      boolean auto = p.section().equals(HYPERPARAMETERS) && v != null && "auto".equals(v.asText());
      if (v != null && !v.isNull() && !auto) {
        p.set().accept(b, value(p, v));
      }
    }
    JobSpec spec = b.build();
    List<JobSpec.Violation> violations = spec.violations();
    if (!violations.isEmpty()) {
      Param first = BY_FIELD.get(violations.get(0).field());
      throw ApiException.invalid(
          first.path(),
          violations.stream()
              .map(v -> v.messageFor(BY_FIELD.get(v.field()).path()))
              .collect(Collectors.joining("; ")));
    }
    return spec;
  }

  /** The job object's {@code hyperparameters}: every setting of the section, defaults filled in. */
  static Map<String, Object> hyperparameters(JobSpec spec) {
    Map<String, Object> m = render(spec.withDefaults(), HYPERPARAMETERS);
    // OpenAI's name for the same setting, which its SDKs read (the request may use either)
    var out = new LinkedHashMap<String, Object>();
    m.forEach(
        (k, v) -> {
          out.put(k, v);
          if (k.equals("learning_rate")) {
            out.put(
                "learning_rate_multiplier",
                spec.withDefaults().optimizer().learningRate() / JobSpec.DEFAULT_LEARNING_RATE);
          }
        });
    // absent = the trainer's device default (bf16 on CUDA, float32 on the CPU), shown as OpenAI
    // shows a setting the service chooses
    out.putIfAbsent("compute_dtype", "auto");
    return out;
  }

  /** The job object's {@code quantization}. */
  static Map<String, Object> quantization(JobSpec spec) {
    return render(spec.withDefaults(), QUANTIZATION);
  }

  private static Map<String, Object> render(JobSpec spec, String section) {
    var m = new LinkedHashMap<String, Object>();
    for (Param p : PARAMS) {
      Object v = p.section().equals(section) ? p.get().apply(spec) : null;
      if (v != null) {
        m.put(p.name(), v);
      }
    }
    return m;
  }

  private static Param hp(
      Field f,
      String name,
      Kind kind,
      BiConsumer<JobSpecBuilder, Object> set,
      Function<JobSpec, Object> get) {
    return new Param(f, HYPERPARAMETERS, name, kind, set, get);
  }

  private static Set<String> names(String section) {
    return PARAMS.stream()
        .filter(p -> p.section().equals(section))
        .map(Param::name)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  private static JsonNode section(JsonNode body, String name, Set<String> known) {
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) {
      return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    }
    if (!v.isObject()) {
      throw ApiException.invalid(name, "'" + name + "' must be an object, got " + v);
    }
    for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        throw ApiException.invalid(
            name + "." + f, "unknown field '" + f + "' in " + name + "; known: " + known);
      }
    }
    return v;
  }

  /** The JSON value as the kind the setting takes; a wrong JSON type is a 400. */
  private static Object value(Param p, JsonNode v) {
    switch (p.kind()) {
      case INT -> {
        if (v.isIntegralNumber() && v.canConvertToInt()) {
          return v.asInt();
        }
        throw typeError(p, "an integer", v);
      }
      case SEED -> {
        if (v.isIntegralNumber() && v.canConvertToLong()) {
          return v.asLong();
        }
        throw typeError(p, "a non-negative integer", v);
      }
      case NUMBER -> {
        if (v.isNumber()) {
          return v.asDouble();
        }
        throw typeError(p, "a number", v);
      }
      case BOOLEAN -> {
        if (v.isBoolean()) {
          return v.asBoolean();
        }
        throw typeError(p, "true or false", v);
      }
      case STRING -> {
        if (v.isTextual()) {
          return v.asText();
        }
        throw typeError(p, "a string", v);
      }
      case STRINGS -> {
        if (v.isArray()) {
          var out = new ArrayList<String>();
          for (JsonNode e : v) {
            if (!e.isTextual()) {
              throw typeError(p, "an array of strings", v);
            }
            out.add(e.asText());
          }
          return out;
        }
        throw typeError(p, "an array of strings", v);
      }
    }
    throw new IllegalStateException(p.kind().name());
  }

  private static ApiException typeError(Param p, String expected, JsonNode got) {
    return ApiException.invalid(p.path(), p.path() + " must be " + expected + ", got " + got);
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object v) {
    return (List<String>) v;
  }
}
