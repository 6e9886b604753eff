package dev.cura.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.cli.quant.Progress;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import me.tongfei.progressbar.ProgressBar;

/**
 * Follows a fine-tuning job to its end: its live event stream ({@code text/event-stream}) runs on a
 * virtual thread and feeds a queue; the calling thread polls the job object every second for the
 * stage, drains the queue into a {@link JobProgress}, prints stage changes and messages, and moves
 * a progress bar (steps) with loss, tokens/s and ETA. If the stream breaks, the JSON events pages
 * are read instead, so nothing is missed. Used by {@code ./cura demo} and {@code ./cura jobs events
 * --follow}; the folded {@link JobProgress} (with the loss curve) is kept for the caller.
 */
public final class JobFollower {
  private static final Duration POLL = Duration.ofSeconds(1);

  private final CuraClient client;
  private final PrintStream out;
  private final JobProgress progress = new JobProgress();

  public JobFollower(CuraClient client, PrintStream out) {
    this.client = client;
    this.out = out;
  }

  /** What the follower saw: status, steps, the training loss per step. */
  public JobProgress progress() {
    return progress;
  }

  /**
   * Blocks until the job succeeds, fails or is cancelled, or {@code timeout} passes; returns the
   * last job object. {@code expectedSteps} sizes the bar until the job reports its total.
   */
  public JsonNode follow(String jobId, long expectedSteps, Duration timeout)
      throws InterruptedException {
    ConcurrentLinkedQueue<JsonNode> queue = new ConcurrentLinkedQueue<>();
    boolean[] streamDone = {false};
    Thread streamer =
        Thread.ofVirtual()
            .name("cura-demo-events")
            .start(
                () -> {
                  try {
                    client.streamEvents(jobId, queue::add);
                  } catch (RuntimeException e) {
                    // falls back to the JSON pages below
                  } finally {
                    streamDone[0] = true;
                  }
                });
    Set<String> seen = new HashSet<>();
    String lastStatus = "";
    long deadline = System.nanoTime() + timeout.toNanos();
    ProgressBar bar = null;
    JsonNode job = null;
    try {
      while (true) {
        job = client.get("v1/fine_tuning/jobs/" + CuraClient.enc(jobId));
        progress.onJob(job);
        if (streamDone[0] && !progress.finished()) {
          client.events(jobId).forEach(queue::add); // stream gone: read the pages
        }
        for (JsonNode e; (e = queue.poll()) != null; ) {
          if (!seen.add(e.path("id").asText(e.toString()))) {
            continue;
          }
          String message = progress.onEvent(e);
          if (message != null) {
            println(bar, "  " + message);
          }
        }
        if (!progress.status().equals(lastStatus)) {
          lastStatus = progress.status();
          println(bar, "job " + jobId + ": " + lastStatus);
        }
        if (bar == null && progress.status().equals("running")) {
          long total = progress.totalSteps() > 0 ? progress.totalSteps() : expectedSteps;
          bar =
              Progress.bar("fine-tune", total)
                  .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(out))
                  .build();
        }
        if (bar != null) {
          bar.stepTo(Math.min(progress.step(), bar.getMax()));
          bar.setExtraMessage(progress.line());
        }
        if (progress.finished()) {
          break;
        }
        if (System.nanoTime() > deadline) {
          println(bar, "job " + jobId + ": still " + progress.status() + " after " + timeout);
          break;
        }
        Thread.sleep(POLL);
      }
    } finally {
      if (bar != null) {
        bar.close();
      }
      streamer.interrupt();
    }
    return job;
  }

  private void println(ProgressBar bar, String line) {
    if (bar != null) {
      bar.pause();
      out.println();
      out.println(line);
      bar.resume();
    } else {
      out.println(line);
    }
  }
}
