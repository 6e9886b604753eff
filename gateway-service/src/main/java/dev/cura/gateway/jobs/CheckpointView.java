package dev.cura.gateway.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A training checkpoint of a job, OpenAI's {@code fine_tuning.job.checkpoint} as the official SDKs
 * validate it, plus the checkpoint's content address ({@code digest}, {@code uri} = {@code
 * cas:sha256/<digest>}; never a server path).
 *
 * @param fineTunedModelCheckpoint {@code ft:<adapter name>:<job id>:ckpt-step-<N>}
 * @param metrics {@code step} and, when the progress of that step was seen, {@code train_loss}
 */
public record CheckpointView(
    String object,
    String id,
    long createdAt,
    String fineTuningJobId,
    String fineTunedModelCheckpoint,
    long stepNumber,
    Metrics metrics,
    String digest,
    String uri) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** OpenAI's checkpoint metrics; absent values are omitted. */
  @com.fasterxml.jackson.annotation.JsonInclude(
      com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  public record Metrics(Double step, Double trainLoss, Double validLoss) {}

  public static CheckpointView of(Job job, JobEventRow r) {
    JsonNode d;
    try {
      d = JSON.readTree(r.data == null ? "{}" : r.data);
    } catch (Exception e) {
      d = JSON.createObjectNode();
    }
    long step = d.path("step").asLong();
    String digest = d.path("digest").asText(null);
    return new CheckpointView(
        "fine_tuning.job.checkpoint",
        "ftckpt-" + r.seq,
        r.createdAt.getEpochSecond(),
        r.jobId,
        "ft:" + job.adapterName + ":" + job.id + ":ckpt-step-" + step,
        step,
        new Metrics(
            (double) step,
            d.path("train_loss").isNumber() ? d.path("train_loss").asDouble() : null,
            d.path("valid_loss").isNumber() ? d.path("valid_loss").asDouble() : null),
        digest,
        digest == null ? null : "cas:sha256/" + digest);
  }
}
