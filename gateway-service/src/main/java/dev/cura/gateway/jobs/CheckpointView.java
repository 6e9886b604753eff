package dev.cura.gateway.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A training checkpoint of a job, after OpenAI's {@code fine_tuning.job.checkpoint}. */
public record CheckpointView(
    String object,
    String id,
    long createdAt,
    String fineTuningJobId,
    long stepNumber,
    String digest,
    String uri) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static CheckpointView of(JobEventRow r) {
    JsonNode d;
    try {
      d = JSON.readTree(r.data == null ? "{}" : r.data);
    } catch (Exception e) {
      d = JSON.createObjectNode();
    }
    return new CheckpointView(
        "fine_tuning.job.checkpoint",
        "ftckpt-" + r.seq,
        r.createdAt.getEpochSecond(),
        r.jobId,
        d.path("step").asLong(),
        d.path("digest").asText(null),
        d.path("uri").asText(null));
  }
}
