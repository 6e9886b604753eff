package dev.cura.trainer.job;

import dev.cura.events.AdapterTrained;
import dev.cura.events.CheckpointQuantized;
import dev.cura.events.CuraEvent;
import dev.cura.events.DatasetRef;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.FineTuneRequested;
import dev.cura.events.InvalidJobSpecException;
import dev.cura.events.JobFailed;
import dev.cura.events.JobSpec;
import dev.cura.events.Lineage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Handles one delivery of a {@link CheckpointQuantized}: trains the job it carries, or resumes it
 * from its last checkpoint, or, when the job has ended before, publishes its recorded terminal
 * event again. Stateless apart from the shared store: a fresh runner on another machine that reads
 * the same artifact root continues where a dead one stopped.
 *
 * <p>Order of effects, which makes redelivery safe (effectively once):
 *
 * <ol>
 *   <li>each checkpoint is put into the store, then recorded in the job's {@link JobLedger}, then
 *       announced ({@code CheckpointSaved});
 *   <li>at the end the adapter is put into the store (content-addressed: the same bytes give the
 *       same digest), the terminal event is recorded in the ledger (first writer wins), and only
 *       then published;
 *   <li>the caller acknowledges the Kafka record after {@link #run} returned a final outcome.
 * </ol>
 *
 * A crash before (2) leaves a checkpoint to resume from; a crash between (2) and the ack makes the
 * redelivered record re-publish the recorded event (same event id, same adapter digest), which
 * consumers dedupe.
 */
public final class JobRunner {
  /** What the worker tells a running job. */
  public interface Signals {
    /** The job's owner cancelled it. */
    boolean cancelled();

    /** The worker is stopping (shutdown, partition lost): end without a final outcome. */
    boolean stopping();
  }

  static final String CANCELLED_MESSAGE = "cancelled";
  private static final Logger LOG = Logger.getLogger(JobRunner.class);

  private final JobArtifacts artifacts;
  private final TrainingEngine engine;
  private final JobEvents events;
  private final TrainerMetrics metrics;
  private final TrainerSettings settings;
  private final EventCodec codec = new EventCodec();

  public JobRunner(
      JobArtifacts artifacts,
      TrainingEngine engine,
      JobEvents events,
      TrainerMetrics metrics,
      TrainerSettings settings) {
    this.artifacts = artifacts;
    this.engine = engine;
    this.events = events;
    this.metrics = metrics;
    this.settings = settings;
  }

  /**
   * Runs the job of {@code delivery} to its end, or until {@code signals} say stop.
   *
   * @return the outcome; every outcome but {@link JobOutcome#STOPPED} has been published and may be
   *     acknowledged
   */
  public JobOutcome run(EventEnvelope<CheckpointQuantized> delivery, Signals signals)
      throws IOException {
    JobOutcome outcome = runJob(delivery.data(), signals);
    metrics.job(outcome);
    return outcome;
  }

  private JobOutcome runJob(CheckpointQuantized job, Signals signals) throws IOException {
    String jobId = job.jobId();
    JobLedger ledger;
    try {
      ledger = JobLedger.open(artifacts.root(), jobId, codec);
    } catch (JobException e) {
      // no safe place to record it: publish only
      events.publish(envelope(failed(jobId, e.code(), e.getMessage())));
      return JobOutcome.FAILED;
    }
    Optional<EventEnvelope<CuraEvent>> ended = ledger.outcome();
    if (ended.isPresent()) {
      LOG.infof("job %s ended before; publishing its %s again", jobId, ended.get().type());
      events.publish(ended.get());
      return JobOutcome.REPUBLISHED;
    }
    if (signals.cancelled()) {
      return finish(ledger, cancelled(jobId), JobOutcome.CANCELLED);
    }
    if (signals.stopping()) {
      return JobOutcome.STOPPED;
    }
    Path work = settings.workRoot().resolve(jobId + "-" + UUID.randomUUID());
    try {
      Files.createDirectories(work);
      TrainingPlan plan = plan(job, ledger, work);
      var listener =
          new RunListener(job, plan, ledger, artifacts, events, metrics, settings, signals);
      TrainingResult result = engine.train(plan, listener);
      if (result.stoppedEarly()) {
        if (signals.cancelled()) {
          LOG.infof("job %s cancelled after %d steps", jobId, result.steps());
          return finish(ledger, cancelled(jobId), JobOutcome.CANCELLED);
        }
        if (signals.stopping()) {
          LOG.infof(
              "job %s stopped after %d steps; its checkpoints stay for a resume",
              jobId, result.steps());
          return JobOutcome.STOPPED;
        }
        throw new IllegalStateException(
            "the engine stopped after " + result.steps() + " steps without being asked to");
      }
      JobArtifacts.Stored adapter = artifacts.put(result.adapterDir());
      LOG.infof("job %s trained in %d steps: adapter %s", jobId, result.steps(), adapter.digest());
      return finish(ledger, trained(job, adapter, result), JobOutcome.TRAINED);
    } catch (Exception | OutOfMemoryError e) {
      // OutOfMemoryError: a batch or sequence too large for this trainer; the job fails, the
      // trainer (its memory freed with the run) goes on with the next one
      if (signals.stopping()) {
        LOG.infof("job %s stopped (%s); its checkpoints stay for a resume", jobId, e.toString());
        return JobOutcome.STOPPED;
      }
      JobException failure = classify(jobId, e);
      return finish(ledger, failed(jobId, failure.code(), failure.getMessage()), JobOutcome.FAILED);
    } finally {
      deleteQuietly(work);
    }
  }

  private TrainingPlan plan(CheckpointQuantized job, JobLedger ledger, Path work)
      throws IOException {
    FineTuneRequested req = job.request();
    JobSpec spec = spec(req);
    Path base = artifacts.directory(job.artifactUri(), job.artifactDigest());
    List<Path> train = new ArrayList<>();
    Path validation = null;
    for (DatasetRef d : req.datasets()) {
      Path file = artifacts.file(d.uri(), d.sha256());
      switch (d.split()) {
        case "train" -> train.add(file);
        case "validation" -> {
          if (validation != null) {
            throw JobException.user("at most one validation file per job, got two or more");
          }
          validation = file;
        }
        default ->
            throw JobException.user(
                "dataset "
                    + d.fileId()
                    + ": split must be train or validation, got '"
                    + d.split()
                    + "'");
      }
    }
    if (train.isEmpty()) {
      throw JobException.user("a job needs a training file (split 'train'), got none");
    }
    Path resume = null;
    Optional<JobLedger.CheckpointRecord> last = ledger.latestCheckpoint();
    if (last.isPresent()) {
      resume = artifacts.directory(last.get().uri(), last.get().digest());
      LOG.infof("job %s resumes from its checkpoint at step %d", job.jobId(), last.get().step());
    }
    return new TrainingPlan(
        job.jobId(),
        base,
        req.baseModel().uri(),
        train.size() == 1 ? train.get(0) : concat(train, work.resolve("train.jsonl")),
        validation,
        spec.training().checkpointEvery() != null
            ? spec
            : spec.toBuilder().checkpointEvery(settings.defaultCheckpointEvery()).build(),
        settings.device(),
        work,
        resume);
  }

  /** The job's settings, defaults filled in; settings outside the rules are a user error. */
  private static JobSpec spec(FineTuneRequested req) {
    try {
      return JobSpec.of(req).withDefaults().requireValid();
    } catch (InvalidJobSpecException e) {
      throw JobException.user(e.getMessage(), e);
    }
  }

  private JobOutcome finish(JobLedger ledger, CuraEvent terminal, JobOutcome ours)
      throws IOException {
    EventEnvelope<CuraEvent> mine = envelope(terminal);
    EventEnvelope<CuraEvent> recorded = ledger.recordOutcome(mine);
    events.publish(recorded);
    return recorded.id().equals(mine.id()) ? ours : JobOutcome.REPUBLISHED;
  }

  private AdapterTrained trained(
      CheckpointQuantized job, JobArtifacts.Stored adapter, TrainingResult result) {
    FineTuneRequested req = job.request();
    JobSpec spec = JobSpec.of(req).withDefaults(); // what trained, defaults included
    var lineage =
        new Lineage(
            req.baseModel(),
            job.artifactDigest(),
            req.datasets(),
            spec.lora(),
            spec.quantization(),
            spec.optimizer(),
            spec.training(),
            settings.codeVersion());
    return new AdapterTrained(
        job.jobId(),
        req.tenant(),
        req.adapterName(),
        adapter.digest(),
        adapter.uri(),
        result.metrics(),
        lineage);
  }

  private static JobFailed cancelled(String jobId) {
    return failed(jobId, JobFailed.Code.USER_ERROR, CANCELLED_MESSAGE);
  }

  private static JobFailed failed(String jobId, JobFailed.Code code, String message) {
    return new JobFailed(jobId, JobFailed.Stage.TRAINING, code, message);
  }

  private EventEnvelope<CuraEvent> envelope(CuraEvent event) {
    return EventEnvelope.create(settings.source(), event);
  }

  /** Bad input → user error with the engine's message; anything else → internal, logged. */
  private static JobException classify(String jobId, Throwable e) {
    if (e instanceof JobException je) {
      LOG.warnf("job %s failed (%s): %s", jobId, je.code().json(), je.getMessage());
      return je;
    }
    if (e instanceof IllegalArgumentException
        || e.getClass().getName().equals("dev.cura.core.util.FormatException")) {
      LOG.warnf("job %s: bad input: %s", jobId, e.getMessage());
      return JobException.user(e.getMessage(), e);
    }
    String incident = UUID.randomUUID().toString().substring(0, 8);
    LOG.errorf(e, "job %s failed with an internal error (incident %s)", jobId, incident);
    return JobException.internal(
        "the trainer failed with an internal error (incident " + incident + " in its log)", e);
  }

  /** Several training files are one stream, in the order the request lists them. */
  private static Path concat(List<Path> files, Path out) throws IOException {
    try (OutputStream o = Files.newOutputStream(out)) {
      for (Path f : files) {
        Files.copy(f, o);
        if (Files.size(f) > 0 && !endsWithNewline(f)) {
          o.write('\n');
        }
      }
    }
    return out;
  }

  private static boolean endsWithNewline(Path f) throws IOException {
    try (SeekableByteChannel ch = Files.newByteChannel(f)) {
      ch.position(ch.size() - 1);
      ByteBuffer last = ByteBuffer.allocate(1);
      ch.read(last);
      return last.get(0) == '\n';
    }
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      LOG.warnf("could not delete scratch %s: %s", dir, e.getMessage());
    }
  }
}
