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
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
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

  /** A request field's JSON type: which values it takes, as what, and how a refusal says it. */
  private enum Kind {
    INT(v -> v.isIntegralNumber() && v.canConvertToInt(), JsonNode::asInt, "an integer"),
    NUMBER(JsonNode::isNumber, JsonNode::asDouble, "a number"),
    BOOLEAN(JsonNode::isBoolean, JsonNode::asBoolean, "true or false"),
    STRING(JsonNode::isTextual, JsonNode::asText, "a string"),
    SEED(
        v -> v.isIntegralNumber() && v.canConvertToLong(),
        JsonNode::asLong,
        "a non-negative integer"),
    STRINGS(JobSpecJson::isStringArray, JobSpecJson::strings, "an array of strings");

    private final Predicate<JsonNode> accepts;
    private final Function<JsonNode, Object> read;
    private final String expected;

    Kind(Predicate<JsonNode> accepts, Function<JsonNode, Object> read, String expected) {
      this.accepts = accepts;
      this.read = read;
      this.expected = expected;
    }
  }

  /**
   * One request field: where it sits, its JSON kind, and the spec setting it fills ({@link
   * JobSpecBuilder#set}) and shows ({@link JobSpec#get}).
   */
  private record Param(Field field, String section, String name, Kind kind) {
    String path() {
      return section.isEmpty() ? name : section + "." + name;
    }
  }

  private static final List<Param> PARAMS =
      List.of(
          hp(Field.EPOCHS, "n_epochs", Kind.INT),
          hp(Field.BATCH_SIZE, "batch_size", Kind.INT),
          hp(Field.LEARNING_RATE, "learning_rate", Kind.NUMBER),
          hp(Field.LORA_R, "lora_r", Kind.INT),
          hp(Field.LORA_ALPHA, "lora_alpha", Kind.NUMBER),
          hp(Field.LORA_DROPOUT, "lora_dropout", Kind.NUMBER),
          hp(Field.LORA_TARGET_MODULES, "lora_target_modules", Kind.STRINGS),
          hp(Field.LORA_USE_RSLORA, "use_rslora", Kind.BOOLEAN),
          hp(Field.MAX_STEPS, "max_steps", Kind.INT),
          hp(Field.SEQ_LEN, "seq_len", Kind.INT),
          hp(Field.CHECKPOINT_EVERY, "checkpoint_every", Kind.INT),
          hp(Field.GRADIENT_ACCUMULATION_STEPS, "gradient_accumulation_steps", Kind.INT),
          hp(Field.WEIGHT_DECAY, "weight_decay", Kind.NUMBER),
          hp(Field.WARMUP_RATIO, "warmup_ratio", Kind.NUMBER),
          hp(Field.MAX_GRAD_NORM, "max_grad_norm", Kind.NUMBER),
          hp(Field.PACKING, "packing", Kind.BOOLEAN),
          hp(Field.COMPUTE_DTYPE, "compute_dtype", Kind.STRING),
          new Param(Field.QUANT_TYPE, QUANTIZATION, "type", Kind.STRING),
          new Param(Field.QUANT_DOUBLE_QUANT, QUANTIZATION, "double_quant", Kind.BOOLEAN),
          new Param(Field.QUANT_BLOCKSIZE, QUANTIZATION, "blocksize", Kind.INT),
          new Param(Field.OPTIMIZER, "", "optimizer", Kind.STRING),
          new Param(Field.SEED, "", "seed", Kind.SEED));

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
        b.set(p.field(), value(p, v));
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
      Object v = p.section().equals(section) ? spec.get(p.field()) : null;
      if (v != null) {
        m.put(p.name(), v);
      }
    }
    return m;
  }

  private static Param hp(Field f, String name, Kind kind) {
    return new Param(f, HYPERPARAMETERS, name, kind);
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
    if (!p.kind().accepts.test(v)) {
      throw typeError(p, p.kind().expected, v);
    }
    return p.kind().read.apply(v);
  }

  private static boolean isStringArray(JsonNode v) {
    if (!v.isArray()) {
      return false;
    }
    for (JsonNode e : v) {
      if (!e.isTextual()) {
        return false;
      }
    }
    return true;
  }

  private static List<String> strings(JsonNode array) {
    var out = new ArrayList<String>();
    array.forEach(e -> out.add(e.asText()));
    return out;
  }

  private static ApiException typeError(Param p, String expected, JsonNode got) {
    return ApiException.invalid(p.path(), p.path() + " must be " + expected + ", got " + got);
  }
}
