package dev.cura.trainer.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cura.events.CheckpointQuantized;
import dev.cura.events.EventEnvelope;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Runs training jobs on its own threads, at most {@code slots} at a time, so that the Kafka
 * consumer thread never blocks on hours of training.
 *
 * <p>A job is held from {@link #submit} until its run ends with a final outcome; a second delivery
 * of a job that is held already joins the same run instead of starting another one. When the worker
 * {@link #stop stops} (shutdown), running jobs end within a step without a final outcome and stay
 * held; {@link #start} runs them again, and they resume from their last checkpoint. {@link
 * #release} stops one job for good on this instance (its partition went to another trainer): its
 * result completes with {@link JobOutcome#STOPPED}.
 */
public final class TrainingWorker implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(TrainingWorker.class);

  /** A job this worker holds: {@code running} or {@code waiting} (for a slot or a restart). */
  public record HeldJob(@JsonProperty("job_id") String jobId, String state) {}

  private record Held(
      EventEnvelope<CheckpointQuantized> delivery, CompletableFuture<JobOutcome> result) {}

  private final JobRunner runner;
  private final int slots;
  private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
  private final Set<String> released = ConcurrentHashMap.newKeySet();
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  private final Map<String, Held> held = new ConcurrentHashMap<>();
  private final AtomicInteger threadIds = new AtomicInteger();
  private ExecutorService executor; // null while stopped; guarded by this
  private volatile boolean stopping = true;

  /**
   * @param slots jobs trained at the same time (1 by default: a trainer's memory is sized for one)
   */
  public TrainingWorker(JobRunner runner, int slots) {
    if (slots < 1) {
      throw new IllegalArgumentException("job slots must be at least 1, got " + slots);
    }
    this.runner = runner;
    this.slots = slots;
  }

  /** Starts the threads and runs the jobs held from before a {@link #stop}. */
  public synchronized void start() {
    if (executor != null) {
      return;
    }
    stopping = false;
    executor =
        Executors.newFixedThreadPool(
            slots,
            r -> {
              Thread t = new Thread(r, "cura-train-" + threadIds.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    held.values().forEach(this::launch);
  }

  /**
   * Takes one delivery of a job.
   *
   * @return completes with the job's final outcome (or {@link JobOutcome#STOPPED} after {@link
   *     #release}), or exceptionally when the run itself failed unexpectedly
   */
  public synchronized CompletableFuture<JobOutcome> submit(
      EventEnvelope<CheckpointQuantized> delivery) {
    String jobId = delivery.data().jobId();
    released.remove(jobId);
    Held existing = held.get(jobId);
    if (existing != null) {
      LOG.infof("job %s is running here already; the new delivery waits for it", jobId);
      return existing.result();
    }
    Held h = new Held(delivery, new CompletableFuture<>());
    held.put(jobId, h);
    if (executor != null) {
      launch(h);
    }
    return h.result();
  }

  /** Marks {@code jobId} cancelled: a running job stops within a step, a later one never starts. */
  public void cancel(String jobId) {
    cancelled.add(jobId);
  }

  /** True when a cancel for {@code jobId} was seen. */
  public boolean isCancelled(String jobId) {
    return cancelled.contains(jobId);
  }

  /** Stops {@code jobId} on this instance without a final outcome (another trainer takes it). */
  public void release(String jobId) {
    if (held.containsKey(jobId)) {
      released.add(jobId);
    }
  }

  /**
   * Stops the threads: running jobs end within a step (their checkpoints stay), held jobs stay held
   * until {@link #start}.
   *
   * @return true when every run ended within {@code grace}
   */
  public synchronized boolean stop(Duration grace) {
    if (executor == null) {
      return true;
    }
    stopping = true;
    executor.shutdown();
    boolean ended;
    try {
      ended = executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ended = false;
    }
    executor = null;
    return ended;
  }

  /**
   * Drains this instance before it goes away: stops the threads like {@link #stop} (running jobs
   * checkpoint and end within a step) and hands every held job back — its result completes with
   * {@link JobOutcome#STOPPED}, so its record stays un-acked for the next trainer. Jobs delivered
   * afterwards wait without running.
   *
   * @return the jobs handed back
   */
  public synchronized List<String> drain(Duration grace) {
    if (!stop(grace)) {
      LOG.warnf("drain: jobs still running after %s", grace);
    }
    var handedBack = new java.util.ArrayList<String>();
    held.forEach(
        (jobId, h) -> {
          if (held.remove(jobId, h)) {
            h.result().complete(JobOutcome.STOPPED);
            handedBack.add(jobId);
          }
        });
    return handedBack;
  }

  /** Jobs training now. */
  public int activeJobs() {
    return running.size();
  }

  /** The jobs this worker holds, with their state ({@code running} or {@code waiting}). */
  public List<HeldJob> jobs() {
    return held.keySet().stream()
        .sorted()
        .map(id -> new HeldJob(id, running.contains(id) ? "running" : "waiting"))
        .toList();
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(30));
  }

  private void launch(Held h) {
    String jobId = h.delivery().data().jobId();
    executor.execute(() -> runHeld(jobId, h));
  }

  private void runHeld(String jobId, Held h) {
    if (stopping) {
      return; // queued before a stop: stays held, start() runs it
    }
    var signals =
        new JobRunner.Signals() {
          @Override
          public boolean cancelled() {
            return cancelled.contains(jobId);
          }

          @Override
          public boolean stopping() {
            return stopping || released.contains(jobId);
          }
        };
    JobOutcome outcome;
    running.add(jobId);
    try {
      outcome = runner.run(h.delivery(), signals);
    } catch (Throwable t) {
      if (t instanceof dev.cura.events.EventDecodingException refused) {
        LOG.warnf("job %s: delivery refused: %s", jobId, refused.getMessage());
      } else {
        LOG.errorf(t, "job %s: the run failed unexpectedly", jobId);
      }
      held.remove(jobId, h);
      h.result().completeExceptionally(t);
      return;
    } finally {
      running.remove(jobId);
    }
    if (outcome == JobOutcome.STOPPED && !released.remove(jobId)) {
      return; // worker stopping: stays held, start() resumes it
    }
    held.remove(jobId, h);
    h.result().complete(outcome);
  }
}
