package dev.cura.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * What the demo shows about a running job, folded from the job object and its events: the stage
 * (the job status), step / total steps, last training loss, tokens/s and ETA, and the training loss
 * of every reported step (the loss curve). Pure state, so it is tested without a terminal; {@link
 * #line()} is the text next to the progress bar.
 */
public final class JobProgress {
  private String status = "validating_files";
  private long step;
  private long totalSteps;
  private double loss = Double.NaN;
  private double tokensPerSecond = Double.NaN;
  private double etaSeconds = Double.NaN;
  private final java.util.TreeMap<Long, Double> losses = new java.util.TreeMap<>();

  /** Folds a job object ({@code status}, {@code trained_steps}, {@code total_steps}). */
  public void onJob(JsonNode job) {
    if (job.path("status").isTextual()) {
      status = job.get("status").asText();
    }
    if (job.path("trained_steps").isNumber()) {
      step = Math.max(step, job.get("trained_steps").asLong());
    }
    if (job.path("total_steps").isNumber()) {
      totalSteps = job.get("total_steps").asLong();
    }
  }

  /**
   * Folds one job event; returns its message when it is worth a line of its own (everything but the
   * per-step metrics), else null.
   */
  public String onEvent(JsonNode event) {
    JsonNode data = event.path("data");
    if ("metrics".equals(event.path("type").asText())) {
      if (status.equals("queued")
          || status.equals("quantizing")
          || status.equals("validating_files")) {
        status = "running";
      }
      step = Math.max(step, data.path("step").asLong(step));
      if (data.path("total_steps").isNumber()) {
        totalSteps = data.get("total_steps").asLong();
      }
      loss = number(data, "train_loss", loss);
      if (data.path("step").isNumber() && data.path("train_loss").isNumber()) {
        losses.put(data.get("step").asLong(), data.get("train_loss").asDouble());
      }
      tokensPerSecond = number(data, "tokens_per_second", tokensPerSecond);
      etaSeconds = number(data, "eta_seconds", etaSeconds);
      return null;
    }
    String message = event.path("message").asText("");
    return message.isEmpty() ? null : message;
  }

  public String status() {
    return status;
  }

  public long step() {
    return step;
  }

  public long totalSteps() {
    return totalSteps;
  }

  public double loss() {
    return loss;
  }

  /** Training loss by step, for every metrics event seen (the job's loss curve). */
  public java.util.SortedMap<Long, Double> losses() {
    return java.util.Collections.unmodifiableSortedMap(losses);
  }

  public boolean finished() {
    return status.equals("succeeded") || status.equals("failed") || status.equals("cancelled");
  }

  /** E.g. {@code running · loss 2.314 · 1,204 tok/s · ETA 3m05s}. */
  public String line() {
    StringBuilder b = new StringBuilder(status);
    if (!Double.isNaN(loss)) {
      b.append(String.format(Locale.ROOT, " · loss %.3f", loss));
    }
    if (!Double.isNaN(tokensPerSecond)) {
      b.append(String.format(Locale.ROOT, " · %,.0f tok/s", tokensPerSecond));
    }
    if (!Double.isNaN(etaSeconds) && !finished()) {
      long s = Math.round(etaSeconds);
      b.append(String.format(Locale.ROOT, " · ETA %dm%02ds", s / 60, s % 60));
    }
    return b.toString();
  }

  private static double number(JsonNode data, String field, double fallback) {
    JsonNode v = data.path(field);
    return v.isNumber() ? v.asDouble() : fallback;
  }
}
