package dev.cura.gateway.jobs;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One entry of a job's event log, OpenAI's {@code fine_tuning.job.event}: {@code type} is {@code
 * metrics} for training progress and {@code message} for everything else, as the official SDKs
 * expect; CURA's finer kind ({@code message}, {@code metrics}, {@code checkpoint}) is {@code
 * data.kind}.
 */
public record JobEventView(
    String object,
    String id,
    long createdAt,
    String level,
    String message,
    String type,
    @JsonRawValue String data) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static JobEventView of(JobEventRow r) {
    return new JobEventView(
        "fine_tuning.job.event",
        id(r.seq),
        r.createdAt.getEpochSecond(),
        r.level,
        r.message,
        "metrics".equals(r.kind) ? "metrics" : "message",
        dataWithKind(r));
  }

  /** The entry's data object with {@code kind} first. */
  static String dataWithKind(JobEventRow r) {
    ObjectNode data = JSON.createObjectNode().put("kind", r.kind);
    if (r.data != null) {
      try {
        if (JSON.readTree(r.data) instanceof ObjectNode stored) {
          stored.remove("kind");
          data.setAll(stored);
        }
      } catch (java.io.IOException e) {
        // written by the projection as JSON; an unreadable row still shows its kind
      }
    }
    return data.toString();
  }

  public static String id(long seq) {
    return "ftevent-" + seq;
  }

  /** The {@code seq} of an event id ({@code ftevent-<seq>}), or -1 when malformed. */
  public static long seqOf(String id) {
    if (id == null || !id.startsWith("ftevent-")) {
      return -1;
    }
    try {
      return Long.parseLong(id.substring(8));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
