package dev.cura.gateway.jobs;

import com.fasterxml.jackson.annotation.JsonRawValue;

/** One entry of a job's event log, OpenAI's {@code fine_tuning.job.event}. */
public record JobEventView(
    String object,
    String id,
    long createdAt,
    String level,
    String message,
    String type,
    @JsonRawValue String data) {

  public static JobEventView of(JobEventRow r) {
    return new JobEventView(
        "fine_tuning.job.event",
        id(r.seq),
        r.createdAt.getEpochSecond(),
        r.level,
        r.message,
        r.kind,
        r.data);
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
