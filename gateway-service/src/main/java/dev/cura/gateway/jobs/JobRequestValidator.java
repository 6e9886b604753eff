package dev.cura.gateway.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.events.LoraConfig;
import dev.cura.events.OptimizerConfig;
import dev.cura.events.QuantConfig;
import dev.cura.events.TrainingConfig;
import dev.cura.rest.api.ApiException;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Validates the body of {@code POST /v1/fine_tuning/jobs} (DESIGN §3) into a {@link JobSpec}:
 * types, ranges and names, with OpenAI's {@code "auto"} accepted for the defaults. Every rejection
 * is a 400 whose {@code param} names the field ({@code hyperparameters.lora_r}) and whose message
 * says what was expected and what came. Whether the model and files exist is checked by the caller.
 */
public final class JobRequestValidator {
  static final Set<String> OPTIMIZERS =
      Set.of("paged_adamw_32bit", "paged_adamw_8bit", "adamw_32bit");
  static final Set<String> QUANT_TYPES = Set.of("nf4", "fp4");
  static final List<Integer> BLOCKSIZES = List.of(32, 64, 128, 256, 512, 1024, 2048, 4096);

  /** The learning rate OpenAI's {@code learning_rate_multiplier} multiplies (CURA's default). */
  public static final double BASE_LEARNING_RATE = 2e-4;

  static final Set<String> HYPERPARAMETERS =
      Set.of(
          "n_epochs",
          "batch_size",
          "learning_rate",
          "learning_rate_multiplier",
          "lora_r",
          "lora_alpha",
          "lora_dropout",
          "max_steps",
          "seq_len",
          "checkpoint_every");
  static final Set<String> FIELDS =
      Set.of(
          "model",
          "training_file",
          "validation_file",
          "hyperparameters",
          "quantization",
          "optimizer",
          "suffix",
          "seed",
          "method",
          "metadata",
          "integrations");
  private static final Pattern SUFFIX = Pattern.compile("[a-z0-9][a-z0-9._-]{0,39}");

  /**
   * A valid request.
   *
   * @param adapterName {@code <model>-<suffix>}, or {@code <model>-ft} without a suffix
   */
  public record JobSpec(
      String model,
      String trainingFile,
      String validationFile,
      LoraConfig lora,
      QuantConfig quantization,
      OptimizerConfig optimizer,
      TrainingConfig training,
      String suffix,
      String adapterName) {}

  private JobRequestValidator() {}

  /**
   * @param body the request's JSON
   * @param randomSeed seed used when the request has none (recorded on the job)
   */
  public static JobSpec validate(JsonNode body, LongSupplier randomSeed) {
    if (body == null || !body.isObject()) {
      throw ApiException.invalid(null, "expected a JSON object with 'model' and 'training_file'");
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw ApiException.invalid(f, "unknown field '" + f + "'; known fields: " + FIELDS);
      }
    }
    String model = requiredString(body, "model");
    String training = requiredString(body, "training_file");
    String validation = optionalString(body, "validation_file");
    String hpParam = "hyperparameters.";
    JsonNode hp = object(body, "hyperparameters");
    JsonNode methodHp = supervisedHyperparameters(body);
    if (methodHp != null) {
      if (!hp.isEmpty()) {
        throw ApiException.invalid(
            "method.supervised.hyperparameters",
            "give the hyperparameters either at the top level or in"
                + " method.supervised.hyperparameters, not both");
      }
      hp = methodHp;
      hpParam = "method.supervised.hyperparameters.";
    }
    for (Iterator<String> it = hp.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!HYPERPARAMETERS.contains(f)) {
        throw ApiException.invalid(
            hpParam + f, "unknown hyperparameter '" + f + "'; known: " + HYPERPARAMETERS);
      }
    }
    int epochs = intIn(hp, hpParam, "n_epochs", 1, 100, 1);
    int batch = intIn(hp, hpParam, "batch_size", 1, 1024, 4);
    double lr = learningRate(hp, hpParam);
    int r = intIn(hp, hpParam, "lora_r", 1, 1024, 16);
    double alpha = numberIn(hp, hpParam, "lora_alpha", 0, 100_000, 2.0 * r, false);
    double dropout = numberIn(hp, hpParam, "lora_dropout", 0, 1, 0.05, true);
    if (dropout >= 1) {
      throw ApiException.invalid(
          hpParam + "lora_dropout", "lora_dropout must be in [0, 1), got " + dropout);
    }
    Integer maxSteps = optionalInt(hp, hpParam, "max_steps", 1, 100_000_000);
    int seqLen = intIn(hp, hpParam, "seq_len", 8, 131_072, 256);
    Integer checkpointEvery = optionalInt(hp, hpParam, "checkpoint_every", 1, 100_000_000);

    JsonNode q = object(body, "quantization");
    String qtype = q.has("type") && !q.get("type").isNull() ? q.get("type").asText() : "nf4";
    boolean typeIsText = !q.has("type") || q.get("type").isNull() || q.get("type").isTextual();
    if (!typeIsText || !QUANT_TYPES.contains(qtype)) {
      throw ApiException.invalid(
          "quantization.type", "quantization.type must be nf4 or fp4, got " + q.get("type"));
    }
    boolean doubleQuant = true;
    if (q.has("double_quant") && !q.get("double_quant").isNull()) {
      if (!q.get("double_quant").isBoolean()) {
        throw ApiException.invalid(
            "quantization.double_quant",
            "quantization.double_quant must be true or false, got " + q.get("double_quant"));
      }
      doubleQuant = q.get("double_quant").asBoolean();
    }
    Integer blocksize = optionalInt(q, "quantization.", "blocksize", 1, 4096);
    if (blocksize != null && !BLOCKSIZES.contains(blocksize)) {
      throw ApiException.invalid(
          "quantization.blocksize",
          "quantization.blocksize must be one of " + BLOCKSIZES + ", got " + blocksize);
    }

    String optimizer = optionalString(body, "optimizer");
    if (optimizer == null) {
      optimizer = "paged_adamw_32bit";
    } else if (!OPTIMIZERS.contains(optimizer)) {
      throw ApiException.invalid(
          "optimizer",
          "optimizer must be one of paged_adamw_32bit, paged_adamw_8bit, adamw_32bit, got '"
              + optimizer
              + "'");
    }
    String suffix = optionalString(body, "suffix");
    if (suffix != null && !SUFFIX.matcher(suffix).matches()) {
      throw ApiException.invalid(
          "suffix",
          "suffix must be 1-40 characters of a-z, 0-9, '.', '_' or '-', got '" + suffix + "'");
    }
    long seed;
    JsonNode s = body.get("seed");
    if (s == null || s.isNull()) {
      seed = randomSeed.getAsLong();
    } else if (!s.canConvertToLong() || !s.isIntegralNumber() || s.asLong() < 0) {
      throw ApiException.invalid("seed", "seed must be a non-negative integer, got " + s);
    } else {
      seed = s.asLong();
    }
    return new JobSpec(
        model,
        training,
        validation,
        new LoraConfig(r, alpha, dropout, null),
        new QuantConfig(qtype, doubleQuant, blocksize == null ? 64 : blocksize),
        new OptimizerConfig(optimizer, lr, null),
        new TrainingConfig(epochs, batch, seqLen, seed, maxSteps, checkpointEvery),
        suffix,
        model + "-" + (suffix == null ? "ft" : suffix));
  }

  /**
   * OpenAI's {@code method}: {@code {"type":"supervised","supervised":{"hyperparameters":{…}}}}.
   * CURA trains the supervised way only; {@code dpo} and {@code reinforcement} are refused with the
   * field named rather than silently trained as supervised.
   *
   * @return the method's hyperparameters, or null when the request has none there
   */
  private static JsonNode supervisedHyperparameters(JsonNode body) {
    JsonNode method = body.get("method");
    if (method == null || method.isNull()) {
      return null;
    }
    if (!method.isObject()) {
      throw ApiException.invalid("method", "'method' must be an object, got " + method);
    }
    JsonNode type = method.get("type");
    if (type == null || type.isNull()) {
      throw ApiException.invalid(
          "method.type", "method.type is required; CURA supports \"supervised\"");
    }
    if (!type.isTextual() || !type.asText().equals("supervised")) {
      throw ApiException.invalid(
          "method.type",
          "method.type must be \"supervised\" (CURA trains QLoRA adapters on supervised"
              + " examples; dpo and reinforcement are not supported), got "
              + type);
    }
    for (Iterator<String> it = method.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("type") && !f.equals("supervised")) {
        throw ApiException.invalid(
            "method." + f, "method." + f + " does not apply to the supervised method");
      }
    }
    JsonNode supervised = object(method, "supervised", "method.supervised");
    for (Iterator<String> it = supervised.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("hyperparameters")) {
        throw ApiException.invalid(
            "method.supervised." + f,
            "unknown field 'method.supervised." + f + "'; known: hyperparameters");
      }
    }
    JsonNode hp = supervised.get("hyperparameters");
    return hp == null || hp.isNull()
        ? null
        : object(supervised, "hyperparameters", "method.supervised.hyperparameters");
  }

  /**
   * {@code learning_rate} (CURA's, absolute) or OpenAI's {@code learning_rate_multiplier} (a number
   * or {@code "auto"}, times {@link #BASE_LEARNING_RATE}); not both.
   */
  private static double learningRate(JsonNode hp, String hpParam) {
    JsonNode m = hp.get("learning_rate_multiplier");
    if (auto(m)) {
      return numberIn(hp, hpParam, "learning_rate", 0, 1, BASE_LEARNING_RATE, false);
    }
    if (!auto(hp.get("learning_rate"))) {
      throw ApiException.invalid(
          hpParam + "learning_rate_multiplier",
          "give learning_rate or learning_rate_multiplier, not both");
    }
    double max = 1 / BASE_LEARNING_RATE;
    return numberIn(hp, hpParam, "learning_rate_multiplier", 0, max, 1, false) * BASE_LEARNING_RATE;
  }

  private static String requiredString(JsonNode body, String field) {
    String v = optionalString(body, field);
    if (v == null) {
      throw ApiException.invalid(field, "'" + field + "' is required");
    }
    return v;
  }

  private static String optionalString(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual() || v.asText().isBlank() || v.asText().length() > 200) {
      throw ApiException.invalid(field, "'" + field + "' must be a non-empty string, got " + v);
    }
    return v.asText();
  }

  private static JsonNode object(JsonNode body, String field) {
    return object(body, field, field);
  }

  private static JsonNode object(JsonNode body, String field, String param) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    }
    if (!v.isObject()) {
      throw ApiException.invalid(param, "'" + param + "' must be an object, got " + v);
    }
    return v;
  }

  private static boolean auto(JsonNode v) {
    return v == null || v.isNull() || (v.isTextual() && v.asText().equals("auto"));
  }

  private static int intIn(JsonNode hp, String prefix, String field, int min, int max, int dflt) {
    JsonNode v = hp.get(field);
    if (auto(v)) {
      return dflt;
    }
    return optionalInt(hp, prefix, field, min, max);
  }

  private static Integer optionalInt(JsonNode node, String prefix, String field, int min, int max) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    String param = prefix + field;
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
      throw ApiException.invalid(
          param, field + " must be an integer in " + min + ".." + max + ", got " + v);
    }
    return v.asInt();
  }

  private static double numberIn(
      JsonNode hp,
      String prefix,
      String field,
      double min,
      double max,
      double dflt,
      boolean minInclusive) {
    JsonNode v = hp.get(field);
    if (auto(v)) {
      return dflt;
    }
    double d = v.asDouble();
    boolean ok =
        v.isNumber() && Double.isFinite(d) && (minInclusive ? d >= min : d > min) && d <= max;
    if (!ok) {
      throw ApiException.invalid(
          prefix + field,
          field
              + " must be a number in "
              + (minInclusive ? "[" : "(")
              + min
              + ", "
              + max
              + "], got "
              + v);
    }
    return d;
  }
}
