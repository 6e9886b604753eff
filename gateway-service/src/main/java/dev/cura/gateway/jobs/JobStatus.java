package dev.cura.gateway.jobs;

import java.util.Locale;

/**
 * A job's stage in CURA's pipeline (DESIGN §2), ordered: a job only ever moves to a later rank, and
 * a terminal stage never changes. That rule is what makes the projection order-tolerant: events of
 * one job come from several topics with no order between them, and a late one cannot move a job
 * back.
 *
 * <p>The API shows two fields: {@code status}, always one of OpenAI's six values ({@link
 * #openAiStatus()}: quantizing, training and registering are all {@code running}) so that the
 * official SDKs accept it, and {@code stage}, CURA's finer name ({@link #stage()}).
 */
public enum JobStatus {
  VALIDATING_FILES(0, "validating_files", "validating_files"),
  QUEUED(1, "queued", "queued"),
  QUANTIZING(2, "running", "quantizing"),
  RUNNING(3, "running", "training"),
  REGISTERING(4, "running", "registering"),
  SUCCEEDED(5, "succeeded", "succeeded"),
  FAILED(5, "failed", "failed"),
  CANCELLED(5, "cancelled", "cancelled");

  private final int rank;
  private final String openAiStatus;
  private final String stage;

  JobStatus(int rank, String openAiStatus, String stage) {
    this.rank = rank;
    this.openAiStatus = openAiStatus;
    this.stage = stage;
  }

  /** The API's {@code status}: one of OpenAI's {@code validating_files}, {@code queued}, … */
  public String openAiStatus() {
    return openAiStatus;
  }

  /** The API's {@code stage}: CURA's name, e.g. {@code quantizing}, {@code training}. */
  public String stage() {
    return stage;
  }

  public boolean terminal() {
    return rank == 5;
  }

  /** True when a job in this status may move to {@code next}. */
  public boolean canMoveTo(JobStatus next) {
    return !terminal() && next.rank > rank;
  }

  /** The stored form, e.g. {@code validating_files}. */
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static JobStatus fromJson(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
