package dev.cura.trainer.job;

import dev.cura.core.store.JobOwners;
import dev.cura.core.util.FileTrees;
import dev.cura.events.AdapterTrained;
import dev.cura.events.CheckpointQuantized;
import dev.cura.events.CuraEvent;
import dev.cura.events.DatasetRef;
import dev.cura.events.EventCodec;
import dev.cura.events.EventDecodingException;
import dev.cura.events.EventEnvelope;
import dev.cura.events.FineTuneRequested;
import dev.cura.events.InvalidJobSpecException;
import dev.cura.events.JobCancelled;
import dev.cura.events.JobFailed;
import dev.cura.events.JobSpec;
import dev.cura.events.Lineage;
import dev.cura.events.References;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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

  private static final Logger LOG = Logger.getLogger(JobRunner.class);
  private static final long FENCE_CHECK_MILLIS = 1000;

  /** Writes the heartbeats of the leases of running jobs (one daemon thread for all). */
  private static final ScheduledExecutorService HEARTBEATS =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "cura-lease-heartbeat");
            t.setDaemon(true);
            return t;
          });

  private final JobArtifacts artifacts;
  private final TrainingEngine engine;
  private final JobEvents events;
  private final TrainerMetrics metrics;
  private final TrainerSettings settings;
  private final JobOwners owners;
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
    this.owners = new JobOwners(artifacts.root());
  }

  /**
   * Runs the job of {@code delivery} to its end, or until {@code signals} say stop.
   *
   * @return the outcome; every outcome but {@link JobOutcome#STOPPED} has been published and may be
   *     acknowledged
   * @throws EventDecodingException when the record must go to the dead-letter topic instead: a job
   *     id of another tenant, or a reference that is not allowed (whose job is failed first)
   */
  public JobOutcome run(EventEnvelope<CheckpointQuantized> delivery, Signals signals)
      throws IOException, InterruptedException {
    JobOutcome outcome = runJob(delivery.data(), signals);
    metrics.job(outcome);
    return outcome;
  }

  /**
   * Checks what a delivery may do before anything is read or written for it.
   *
   * @throws EventDecodingException for a record to dead-letter: the job id or tenant cannot name a
   *     directory (the job fails as a user error), the job id belongs to another tenant (nothing is
   *     published: the job is not the sender's), a reference that is not {@code cas:sha256/…} or a
   *     model name (the job fails as a user error)
   */
  void admit(CheckpointQuantized job) throws IOException {
    String jobId = job.jobId();
    FineTuneRequested req = job.request();
    if (!jobId.equals(req.jobId())) {
      throw new EventDecodingException(
          EventDecodingException.Reason.INVALID_FIELD,
          "request.job_id",
          "request.job_id must be the event's job id '" + jobId + "', got '" + req.jobId() + "'");
    }
    try {
      JobOwners.requireSafe("tenant", req.tenant());
      JobOwners.requireSafe("job id", jobId);
    } catch (IllegalArgumentException e) {
      events.publish(envelope(failed(jobId, JobFailed.Code.USER_ERROR, e.getMessage())));
      throw new EventDecodingException(
          EventDecodingException.Reason.INVALID_FIELD, "job_id", e.getMessage());
    }
    if (!owners.claim(req.tenant(), jobId)) {
      LOG.warnf(
          "job %s: a delivery for tenant %s, but another tenant owns it", jobId, req.tenant());
      throw EventDecodingException.foreignJob(jobId);
    }
    try {
      References.check(job);
    } catch (EventDecodingException e) {
      events.publish(envelope(failed(jobId, JobFailed.Code.USER_ERROR, e.getMessage())));
      throw e;
    }
  }

  private JobOutcome runJob(CheckpointQuantized job, Signals signals)
      throws IOException, InterruptedException {
    admit(job);
    String jobId = job.jobId();
    JobLedger ledger = JobLedger.open(artifacts.root(), job.request().tenant(), jobId, codec);
    Optional<EventEnvelope<CuraEvent>> ended = ledger.outcome();
    if (ended.isPresent()) {
      return republish(jobId, ended.get());
    }
    if (signals.cancelled()) {
      return finish(ledger, null, cancelled(jobId, null), JobOutcome.CANCELLED);
    }
    if (signals.stopping()) {
      return JobOutcome.STOPPED;
    }
    // a trainer that still runs the job (the partition moved here) stops before we go on
    JobLease lease =
        JobLease.acquire(
            ledger.dir(),
            settings.source() + " pid " + ProcessHandle.current().pid(),
            settings.leaseStale(),
            () -> signals.stopping() || signals.cancelled());
    if (lease == null) {
      return signals.cancelled() && !signals.stopping()
          ? finish(ledger, null, cancelled(jobId, null), JobOutcome.CANCELLED)
          : JobOutcome.STOPPED;
    }
    ScheduledFuture<?> heartbeat =
        HEARTBEATS.scheduleAtFixedRate(() -> beatQuietly(jobId, lease), 1, 1, TimeUnit.SECONDS);
    try {
      ended = ledger.outcome(); // the previous holder may have ended it while we waited
      if (ended.isPresent()) {
        return republish(jobId, ended.get());
      }
      JobLedger.Deaths died = ledger.startAttempt();
      JobOutcome outcome =
          died.inFirstStep() >= settings.maxAttempts()
                  || died.elsewhere() >= settings.maxInterruptedRuns()
              ? tooManyAttempts(job, ledger, lease, died)
              : train(job, ledger, lease, new Fenced(signals, lease));
      if (lease.mayWrite()) {
        ledger.endAttempt(); // this run ended on its own: it does not count as one that died
      }
      return outcome;
    } finally {
      heartbeat.cancel(false);
      lease.close();
    }
  }

  private JobOutcome tooManyAttempts(
      CheckpointQuantized job, JobLedger ledger, JobLease lease, JobLedger.Deaths died)
      throws IOException {
    LOG.warnf("job %s: runs died without progress (%s); failing it", job.jobId(), died);
    String message =
        died.inFirstStep() >= settings.maxAttempts()
            ? "the job's trainer died "
                + died.inFirstStep()
                + " times in a row in the job's first training step, without reaching a new"
                + " checkpoint (the process was killed: most likely native out-of-memory or a"
                + " crash in the engine), so the job is not tried again; lower"
                + " training.batch_size or training.seq_len, or ask an operator for bigger workers"
            : "the job's trainer died "
                + died.elsewhere()
                + " times without the job reaching a new checkpoint, while loading the job or"
                + " between checkpoints (the process was killed: out-of-memory, a crash in the"
                + " engine, or the worker restarting), so the job is not tried again; check the"
                + " base model and the training file, lower training.checkpoint_every, or ask an"
                + " operator for bigger workers";
    return finish(
        ledger, lease, failed(job.jobId(), JobFailed.Code.USER_ERROR, message), JobOutcome.FAILED);
  }

  private JobOutcome train(
      CheckpointQuantized job, JobLedger ledger, JobLease lease, Signals signals)
      throws IOException {
    String jobId = job.jobId();
    Path work =
        settings
            .workRoot()
            .resolve(job.request().tenant())
            .resolve(jobId + "-" + UUID.randomUUID());
    try {
      Files.createDirectories(work);
      TrainingPlan plan = plan(job, ledger, work);
      var listener =
          new RunListener(job, plan, ledger, lease, artifacts, events, metrics, settings, signals);
      TrainingResult result = engine.train(plan, listener);
      if (result.stoppedEarly()) {
        if (signals.cancelled()) {
          LOG.infof("job %s cancelled after %d steps", jobId, result.steps());
          return finish(ledger, lease, cancelled(jobId, result.steps()), JobOutcome.CANCELLED);
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
      return finish(ledger, lease, trained(job, adapter, result), JobOutcome.TRAINED);
    } catch (Exception | OutOfMemoryError e) {
      // OutOfMemoryError: a batch or sequence too large for this trainer; the job fails, the
      // trainer (its memory freed with the run) goes on with the next one
      if (signals.stopping()) {
        LOG.infof("job %s stopped (%s); its checkpoints stay for a resume", jobId, e.toString());
        return JobOutcome.STOPPED;
      }
      JobException failure = classify(jobId, e, artifacts.root(), settings.workRoot());
      return finish(
          ledger, lease, failed(jobId, failure.code(), failure.getMessage()), JobOutcome.FAILED);
    } finally {
      deleteQuietly(work);
    }
  }

  private JobOutcome republish(String jobId, EventEnvelope<CuraEvent> ended) {
    LOG.infof("job %s ended before; publishing its %s again", jobId, ended.type());
    events.publish(ended);
    return JobOutcome.REPUBLISHED;
  }

  private static void beatQuietly(String jobId, JobLease lease) {
    try {
      lease.beat();
    } catch (IOException | RuntimeException e) {
      LOG.warnf("job %s: heartbeat not written: %s", jobId, e.toString());
    }
  }

  /**
   * The worker's signals plus the fence: a newer epoch in the job's lease (another trainer takes
   * the job over) makes the run stop at its next step, as a lost partition does. Checked at most
   * every {@value #FENCE_CHECK_MILLIS} ms (it lists a directory on the shared volume).
   */
  private static final class Fenced implements Signals {
    private final Signals signals;
    private final JobLease lease;
    private volatile boolean fenced;
    private volatile long checkedAt;

    Fenced(Signals signals, JobLease lease) {
      this.signals = signals;
      this.lease = lease;
    }

    @Override
    public boolean cancelled() {
      return signals.cancelled();
    }

    @Override
    public boolean stopping() {
      return signals.stopping() || fenced();
    }

    private boolean fenced() {
      long now = System.currentTimeMillis();
      if (!fenced && now - checkedAt >= FENCE_CHECK_MILLIS) {
        checkedAt = now;
        try {
          fenced = !lease.isCurrent();
        } catch (IOException e) {
          LOG.warnf("lease not readable (%s); going on", e.toString());
        }
      }
      return fenced;
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
        settings.memoryBudgetBytes(),
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

  /**
   * Records the job's terminal event (first writer wins) and publishes the recorded one. With a
   * {@code lease} that a newer holder has taken over, nothing is written: the job is theirs.
   */
  private JobOutcome finish(JobLedger ledger, JobLease lease, CuraEvent terminal, JobOutcome ours)
      throws IOException {
    if (lease != null && !lease.mayWrite()) {
      LOG.infof("job %s: another trainer took it over; its outcome is theirs", terminal.jobId());
      return JobOutcome.STOPPED;
    }
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

  /** Cancelled is not failed: the job's owner asked for it (JobCancelled, not JobFailed). */
  private static JobCancelled cancelled(String jobId, Long steps) {
    return new JobCancelled(jobId, JobFailed.Stage.TRAINING, steps);
  }

  private static JobFailed failed(String jobId, JobFailed.Code code, String message) {
    return new JobFailed(jobId, JobFailed.Stage.TRAINING, code, message);
  }

  private EventEnvelope<CuraEvent> envelope(CuraEvent event) {
    return EventEnvelope.create(settings.source(), event);
  }

  /**
   * Bad input → user error with the engine's message (one line, without the server's store and
   * scratch paths); anything else → internal, logged.
   */
  private static JobException classify(String jobId, Throwable e, Path root, Path scratch) {
    if (e instanceof JobException je) {
      LOG.warnf("job %s failed (%s): %s", jobId, je.code().json(), je.getMessage());
      return je;
    }
    if (e instanceof IllegalArgumentException
        || e.getClass().getName().equals("dev.cura.core.util.FormatException")) {
      LOG.warnf("job %s: bad input: %s", jobId, e.getMessage());
      String message =
          String.valueOf(e.getMessage())
              .replace(scratch + "/", "")
              .replace(root + "/", "")
              .replaceAll("\\s*[\\r\\n]+\\s*", " ")
              .strip();
      return JobException.user(message, e);
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
    try {
      FileTrees.delete(dir);
    } catch (IOException e) {
      LOG.warnf("could not delete scratch %s: %s", dir, e.getMessage());
    }
  }
}
