package dev.cura.gateway.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.events.JobSpec;
import dev.cura.rest.api.ApiException;
import java.util.Iterator;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Validates the body of {@code POST /v1/fine_tuning/jobs} (DESIGN §3) into a {@link JobRequest}:
 * the job's references and name here, its settings through {@link JobSpecJson} (the one rule set,
 * {@link JobSpec}), with OpenAI's {@code "auto"} accepted for the defaults. Every rejection is a
 * 400 whose {@code param} names the field ({@code hyperparameters.lora_r}) and whose message says
 * what was expected and what came. Whether the model and files exist is checked by the caller.
 */
public final class JobRequestValidator {
  static final Set<String> FIELDS =
      Set.of(
          "model",
          "training_file",
          "validation_file",
          JobSpecJson.HYPERPARAMETERS,
          JobSpecJson.QUANTIZATION,
          "optimizer",
          "suffix",
          "seed",
          "method",
          "metadata",
          "integrations");
  private static final Pattern SUFFIX = Pattern.compile("[a-z0-9][a-z0-9._-]{0,39}");
  static final String LEARNING_RATE = "learning_rate";
  static final String LEARNING_RATE_MULTIPLIER = "learning_rate_multiplier";

  /**
   * A valid request.
   *
   * @param spec the job's settings, defaults filled in
   * @param adapterName {@code <model>-<suffix>}, or {@code <model>-ft} without a suffix
   */
  public record JobRequest(
      String model,
      String trainingFile,
      String validationFile,
      JobSpec spec,
      String suffix,
      String adapterName) {}

  private JobRequestValidator() {}

  /**
   * @param body the request's JSON
   * @param randomSeed seed used when the request has none (recorded on the job)
   */
  public static JobRequest validate(JsonNode body, LongSupplier randomSeed) {
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
    JobSpec spec = readSpec(body, randomSeed);
    String suffix = optionalString(body, "suffix");
    if (suffix != null && !SUFFIX.matcher(suffix).matches()) {
      throw ApiException.invalid(
          "suffix",
          "suffix must be 1-40 characters of a-z, 0-9, '.', '_' or '-', got '" + suffix + "'");
    }
    return new JobRequest(
        model, training, validation, spec, suffix, model + "-" + (suffix == null ? "ft" : suffix));
  }

  /**
   * The job's settings through {@link JobSpecJson}, after OpenAI's two request forms are brought to
   * CURA's: {@code method.supervised.hyperparameters} (instead of the top-level {@code
   * hyperparameters}) and {@code learning_rate_multiplier} (instead of {@code learning_rate}). A
   * 400 then names the field as the caller wrote it.
   */
  private static JobSpec readSpec(JsonNode body, LongSupplier randomSeed) {
    ObjectNode copy = body.deepCopy();
    String prefix = JobSpecJson.HYPERPARAMETERS + ".";
    JsonNode methodHp = supervisedHyperparameters(body);
    if (methodHp != null) {
      JsonNode top = body.get(JobSpecJson.HYPERPARAMETERS);
      if (top != null && !top.isNull() && !(top.isObject() && top.isEmpty())) {
        throw ApiException.invalid(
            "method.supervised.hyperparameters",
            "give the hyperparameters either at the top level or in"
                + " method.supervised.hyperparameters, not both");
      }
      copy.set(JobSpecJson.HYPERPARAMETERS, methodHp.deepCopy());
      prefix = "method.supervised.hyperparameters.";
    }
    boolean multiplier = learningRateFromMultiplier(copy, prefix);
    try {
      return JobSpecJson.read(copy, randomSeed);
    } catch (ApiException e) {
      String param = e.param();
      if (param == null || !param.startsWith(JobSpecJson.HYPERPARAMETERS + ".")) {
        throw e;
      }
      String name = param.substring(JobSpecJson.HYPERPARAMETERS.length() + 1);
      if (multiplier && name.equals(LEARNING_RATE)) {
        name = LEARNING_RATE_MULTIPLIER;
      }
      String named = prefix + name;
      throw new ApiException(e.status(), e.code(), e.getMessage().replace(param, named), named);
    }
  }

  /**
   * OpenAI's {@code learning_rate_multiplier} (a number or {@code "auto"}) as CURA's {@code
   * learning_rate}: multiplier × {@link JobSpec#DEFAULT_LEARNING_RATE}.
   *
   * @return true when the learning rate came from a multiplier
   */
  private static boolean learningRateFromMultiplier(ObjectNode body, String prefix) {
    JsonNode hp = body.get(JobSpecJson.HYPERPARAMETERS);
    if (!(hp instanceof ObjectNode section) || !section.has(LEARNING_RATE_MULTIPLIER)) {
      return false;
    }
    JsonNode m = section.remove(LEARNING_RATE_MULTIPLIER);
    if (m.isNull() || (m.isTextual() && m.asText().equals("auto"))) {
      return false;
    }
    JsonNode lr = section.get(LEARNING_RATE);
    if (lr != null && !lr.isNull() && !(lr.isTextual() && lr.asText().equals("auto"))) {
      throw ApiException.invalid(
          prefix + LEARNING_RATE_MULTIPLIER,
          "give learning_rate or learning_rate_multiplier, not both");
    }
    if (!m.isNumber() || !(m.asDouble() > 0) || !Double.isFinite(m.asDouble())) {
      throw ApiException.invalid(
          prefix + LEARNING_RATE_MULTIPLIER,
          prefix
              + LEARNING_RATE_MULTIPLIER
              + " must be a positive number or \"auto\" (it multiplies "
              + JobSpec.DEFAULT_LEARNING_RATE
              + "), got "
              + m);
    }
    section.put(LEARNING_RATE, m.asDouble() * JobSpec.DEFAULT_LEARNING_RATE);
    return true;
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
    JsonNode supervised = method.get("supervised");
    if (supervised == null || supervised.isNull()) {
      return null;
    }
    if (!supervised.isObject()) {
      throw ApiException.invalid(
          "method.supervised", "'method.supervised' must be an object, got " + supervised);
    }
    for (Iterator<String> it = supervised.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals(JobSpecJson.HYPERPARAMETERS)) {
        throw ApiException.invalid(
            "method.supervised." + f,
            "unknown field 'method.supervised." + f + "'; known: hyperparameters");
      }
    }
    JsonNode hp = supervised.get(JobSpecJson.HYPERPARAMETERS);
    if (hp == null || hp.isNull()) {
      return null;
    }
    if (!hp.isObject()) {
      throw ApiException.invalid(
          "method.supervised.hyperparameters",
          "'method.supervised.hyperparameters' must be an object, got " + hp);
    }
    return hp;
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
}
