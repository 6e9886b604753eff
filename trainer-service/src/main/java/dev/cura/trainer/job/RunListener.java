package dev.cura.trainer.job;

import dev.cura.events.CheckpointQuantized;
import dev.cura.events.CheckpointSaved;
import dev.cura.events.CuraEvent;
import dev.cura.events.EventEnvelope;
import dev.cura.events.TrainingProgress;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Turns what the engine reports during one run into metrics, {@code TrainingProgress} events (every
 * {@link TrainerSettings#progressEvery()} steps, and on the first and last step) and stored,
 * recorded, announced checkpoints.
 */
final class RunListener implements TrainingListener {
  private static final Logger LOG = Logger.getLogger(RunListener.class);

  private final CheckpointQuantized job;
  private final TrainingPlan plan;
  private final JobLedger ledger;
  private final JobLease lease;
  private final JobArtifacts artifacts;
  private final JobEvents events;
  private final TrainerMetrics metrics;
  private final TrainerSettings settings;
  private final JobRunner.Signals signals;
  // steps of this session (after a resume: since the resume), and the timed ones, for the ETA
  private long sessionSteps;
  private long timedSteps;
  private double timedSeconds;

  RunListener(
      CheckpointQuantized job,
      TrainingPlan plan,
      JobLedger ledger,
      JobLease lease,
      JobArtifacts artifacts,
      JobEvents events,
      TrainerMetrics metrics,
      TrainerSettings settings,
      JobRunner.Signals signals) {
    this.job = job;
    this.plan = plan;
    this.ledger = ledger;
    this.lease = lease;
    this.artifacts = artifacts;
    this.events = events;
    this.metrics = metrics;
    this.settings = settings;
    this.signals = signals;
  }

  /** From now on a death of this run counts as one in its first step (the ledger's attempts). */
  @Override
  public void onTrainingStarted() throws IOException {
    if (lease.mayWrite()) {
      ledger.trainingStarted();
    }
  }

  @Override
  public void onStep(StepStats s) {
    metrics.step(plan.spec().optimizer().name(), s);
    sessionSteps++;
    if (sessionSteps == 1) {
      try {
        if (lease.mayWrite()) {
          ledger.firstStepDone(); // a later death of this run is not one of its first step
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    if (Double.isFinite(s.seconds())) {
      timedSteps++;
      timedSeconds += s.seconds();
    }
    boolean report =
        sessionSteps == 1 || s.step() % settings.progressEvery() == 0 || s.step() >= s.totalSteps();
    if (!report) {
      return;
    }
    if (!Double.isFinite(s.loss()) || !Double.isFinite(s.learningRate())) {
      // a step whose batch had no target tokens has no loss; JSON has no NaN
      LOG.debugf("job %s: step %d has no finite loss, no progress event", job.jobId(), s.step());
      return;
    }
    long remaining = Math.max(0, s.totalSteps() - s.step());
    Long eta = timedSteps == 0 ? null : Math.round(remaining * timedSeconds / timedSteps);
    publishQuietly(
        new TrainingProgress(
            job.jobId(),
            s.step(),
            s.epoch(),
            s.loss(),
            s.learningRate(),
            s.tokensPerSecond(),
            s.peakMemoryBytes(),
            s.totalSteps(),
            eta));
  }

  @Override
  public void onCheckpoint(long step, Path dir) throws Exception {
    if (signals.cancelled()) {
      LOG.infof("job %s: cancelled, its checkpoint at step %d is not kept", job.jobId(), step);
      return;
    }
    long t0 = System.nanoTime();
    JobArtifacts.Stored stored = artifacts.put(dir);
    if (!lease.mayWrite()) {
      LOG.infof(
          "job %s: another trainer took it over; checkpoint %d not recorded", job.jobId(), step);
      return;
    }
    ledger.recordCheckpoint(new JobLedger.CheckpointRecord(step, stored.digest(), stored.uri()));
    metrics.checkpoint(Duration.ofNanos(System.nanoTime() - t0));
    LOG.infof("job %s: checkpoint at step %d stored as %s", job.jobId(), step, stored.digest());
    publishQuietly(new CheckpointSaved(job.jobId(), step, stored.digest(), stored.uri()));
  }

  @Override
  public boolean shouldStop() {
    return signals.cancelled() || signals.stopping();
  }

  @Override
  public boolean checkpointBeforeStop() {
    return signals.stopping() && !signals.cancelled();
  }

  /**
   * Progress and checkpoint events inform; the ledger, not the events, is what a resume reads. A
   * broker hiccup must not fail hours of training, so a failed publish is logged and training goes
   * on.
   */
  private void publishQuietly(CuraEvent event) {
    try {
      events.publish(EventEnvelope.create(settings.source(), event));
    } catch (RuntimeException e) {
      LOG.warnf(
          "job %s: %s not published: %s",
          job.jobId(), event.getClass().getSimpleName(), e.toString());
    }
  }
}
