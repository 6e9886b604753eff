package dev.cura.gateway.jobs;

import com.fasterxml.jackson.databind.JsonNode;
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
    JobSpec spec = JobSpecJson.read(body, randomSeed);
    String suffix = optionalString(body, "suffix");
    if (suffix != null && !SUFFIX.matcher(suffix).matches()) {
      throw ApiException.invalid(
          "suffix",
          "suffix must be 1-40 characters of a-z, 0-9, '.', '_' or '-', got '" + suffix + "'");
    }
    return new JobRequest(
        model, training, validation, spec, suffix, model + "-" + (suffix == null ? "ft" : suffix));
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
