package dev.cura.gateway.jobs;

import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;
import java.util.List;

/**
 * The job object of the API (OpenAI's {@code fine_tuning.job} plus CURA's fields). Times are Unix
 * seconds, as in the OpenAI API.
 */
public record JobView(
    String object,
    String id,
    String status,
    String model,
    String trainingFile,
    String validationFile,
    @JsonRawValue String hyperparameters,
    @JsonRawValue String quantization,
    String optimizer,
    String suffix,
    long seed,
    String adapterName,
    long createdAt,
    Long finishedAt,
    String fineTunedModel,
    Error error,
    Long trainedTokens,
    Long estimatedFinish,
    Long trainedSteps,
    Long totalSteps,
    List<String> resultFiles) {

  /** {@code {"code","message","param"}} of a failed job. */
  public record Error(String code, String message, String param) {}

  public static JobView of(Job j) {
    return new JobView(
        "fine_tuning.job",
        j.id,
        j.status,
        j.model,
        j.trainingFile,
        j.validationFile,
        j.hyperparameters,
        j.quantization,
        j.optimizer,
        j.suffix,
        j.seed,
        j.adapterName,
        j.createdAt.getEpochSecond(),
        seconds(j.finishedAt),
        j.fineTunedModel,
        j.errorCode == null ? null : new Error(j.errorCode, j.errorMessage, null),
        j.trainedTokens,
        seconds(j.estimatedFinish),
        j.lastStep,
        j.totalSteps,
        List.of());
  }

  private static Long seconds(Instant t) {
    return t == null ? null : t.getEpochSecond();
  }
}
