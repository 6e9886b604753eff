package dev.cura.gateway.jobs;

import java.util.Locale;

/**
 * Job status (DESIGN §2), ordered: a job only ever moves to a later rank, and a terminal status
 * never changes. That rule is what makes the projection order-tolerant: events of one job come from
 * several topics with no order between them, and a late one cannot move a job back.
 */
public enum JobStatus {
  VALIDATING_FILES(0),
  QUEUED(1),
  QUANTIZING(2),
  RUNNING(3),
  REGISTERING(4),
  SUCCEEDED(5),
  FAILED(5),
  CANCELLED(5);

  private final int rank;

  JobStatus(int rank) {
    this.rank = rank;
  }

  public boolean terminal() {
    return rank == 5;
  }

  /** True when a job in this status may move to {@code next}. */
  public boolean canMoveTo(JobStatus next) {
    return !terminal() && next.rank > rank;
  }

  /** The API form, e.g. {@code validating_files}. */
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static JobStatus fromJson(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
