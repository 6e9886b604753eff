package dev.cura.gateway.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The job object of the API: OpenAI's {@code fine_tuning.job} as the official SDKs validate it
 * (required {@code organization_id}, {@code result_files}, {@code seed}; {@code status} only in
 * OpenAI's set) plus CURA's fields ({@code stage}, {@code quantization}, {@code optimizer}, …).
 * Times are Unix seconds, as in the OpenAI API.
 *
 * @param organizationId the tenant that owns the job
 * @param status OpenAI's status ({@link JobStatus#openAiStatus()})
 * @param stage CURA's finer stage ({@link JobStatus#stage()})
 * @param hyperparameters every hyperparameter the job runs with (defaults filled in), including
 *     OpenAI's {@code learning_rate_multiplier} (of {@link
 *     dev.cura.events.JobSpec#DEFAULT_LEARNING_RATE})
 * @param method OpenAI's {@code {"type":"supervised","supervised":{"hyperparameters":…}}}
 */
public record JobView(
    String object,
    String id,
    String organizationId,
    String status,
    String stage,
    String model,
    String trainingFile,
    String validationFile,
    @JsonRawValue String hyperparameters,
    Method method,
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
    List<String> resultFiles,
    List<Object> integrations,
    @JsonInclude(JsonInclude.Include.ALWAYS) Map<String, String> metadata) {

  /** {@code {"code","message","param"}} of a failed job. */
  public record Error(String code, String message, String param) {}

  /** OpenAI's fine-tuning method; CURA trains the supervised way. */
  public record Method(String type, Supervised supervised) {}

  /** The supervised method's settings: the same hyperparameters as the job's. */
  public record Supervised(@JsonRawValue String hyperparameters) {}

  public static JobView of(Job j) {
    JobStatus status = j.statusEnum();
    return new JobView(
        "fine_tuning.job",
        j.id,
        j.tenant,
        status.openAiStatus(),
        status.stage(),
        j.model,
        j.trainingFile,
        j.validationFile,
        j.hyperparameters,
        new Method("supervised", new Supervised(j.hyperparameters)),
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
        List.of(),
        List.of(),
        null);
  }

  private static Long seconds(Instant t) {
    return t == null ? null : t.getEpochSecond();
  }
}
