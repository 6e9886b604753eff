package dev.cura.trainer.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.core.store.DirectoryDigest;
import dev.cura.events.AdapterTrained;
import dev.cura.events.CheckpointQuantized;
import dev.cura.events.CheckpointSaved;
import dev.cura.events.EventDecodingException;
import dev.cura.events.JobCancelled;
import dev.cura.events.JobFailed;
import dev.cura.events.TrainingProgress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The job logic around the engine, with a deterministic stand-in engine and a real store. */
class JobRunnerTest extends JobFixtureTest {
  @Test
  void trainsPublishingProgressCheckpointsAndOneAdapterWithLineage() throws Exception {
    var engine = new ScriptedEngine();
    var events = new JobFixture.Recorded();
    CheckpointQuantized job = fx.job("ftjob-1", 6, 2);

    JobOutcome outcome =
        fx.runner(engine, events, tmp.resolve("w"))
            .run(JobFixture.delivery(job), new JobFixture.Flags());

    assertEquals(JobOutcome.TRAINED, outcome);
    assertEquals(
        List.of(1L, 2L, 3L, 4L, 5L, 6L),
        events.of(TrainingProgress.class).stream().map(TrainingProgress::step).toList());
    assertEquals(6L, events.of(TrainingProgress.class).get(5).totalSteps());
    assertEquals(0L, events.of(TrainingProgress.class).get(5).etaSeconds());
    // checkpoints every 2 steps, none at the end (the adapter is the end state)
    List<CheckpointSaved> saved = events.of(CheckpointSaved.class);
    assertEquals(List.of(2L, 4L), saved.stream().map(CheckpointSaved::step).toList());
    for (CheckpointSaved c : saved) {
      fx.store.verify(c.digest());
    }
    List<AdapterTrained> trained = events.of(AdapterTrained.class);
    assertEquals(1, trained.size());
    AdapterTrained a = trained.get(0);
    assertEquals("tenant-a", a.tenant());
    assertEquals("my-adapter", a.adapterName());
    fx.store.verify(a.adapterDigest());
    Path adapterDir = fx.store.pathOf(a.adapterDigest());
    assertEquals(a.adapterDigest(), DirectoryDigest.of(adapterDir));
    assertTrue(Files.isRegularFile(adapterDir.resolve("adapter_config.json")));
    assertTrue(Files.isRegularFile(adapterDir.resolve("adapter_model.safetensors")));
    assertEquals(fx.baseKey, a.lineage().quantizedArtifactDigest());
    assertEquals(job.request().baseModel(), a.lineage().baseModel());
    assertEquals(job.request().datasets(), a.lineage().datasets());
    // the lineage records what trained: the request's settings with the defaults filled in
    var settings = dev.cura.events.JobSpec.of(job.request()).withDefaults();
    assertEquals(settings.lora(), a.lineage().lora());
    assertEquals(settings.training(), a.lineage().training());
    assertEquals(false, a.lineage().lora().useRslora());
    assertEquals("0.1.0-test", a.lineage().codeVersion());
    // metrics: every step counted, the paged optimizer's traffic too
    assertEquals(6.0, fx.meters.get("cura.train.steps").counter().count());
    assertEquals(6 * 4096.0, fx.meters.get("cura.optimizer.paged.bytes").counter().count());
    assertEquals(2, fx.meters.get("cura.train.checkpoint.duration").timer().count());
    // the scratch directory is gone
    try (var left = Files.walk(tmp.resolve("w"))) {
      assertEquals(0, left.filter(Files::isRegularFile).count());
    }
  }

  @Test
  void aRedeliveredJobRepublishesTheSameAdapterTrainedInsteadOfTrainingAgain() throws Exception {
    var engine = new ScriptedEngine();
    var events = new JobFixture.Recorded();
    CheckpointQuantized job = fx.job("ftjob-2", 4, 2);
    JobRunner runner = fx.runner(engine, events, tmp.resolve("w"));
    runner.run(JobFixture.delivery(job), new JobFixture.Flags());
    var first = events.all.get(events.all.size() - 1);

    // a new runner (another trainer instance) gets the same job again
    var again = new JobFixture.Recorded();
    JobOutcome outcome =
        fx.runner(engine, again, tmp.resolve("w2"))
            .run(JobFixture.delivery(job), new JobFixture.Flags());

    assertEquals(JobOutcome.REPUBLISHED, outcome);
    assertEquals(1, engine.plans.size(), "trained once");
    assertEquals(1, again.all.size());
    assertEquals(first.id(), again.all.get(0).id(), "same event id");
    assertEquals(first.data(), again.all.get(0).data(), "same adapter digest and lineage");
  }

  @Test
  void aStoppedRunResumesFromItsLastCheckpointAndEndsWithTheUninterruptedAdapter()
      throws Exception {
    // reference: the same settings run through in one go
    var refEvents = new JobFixture.Recorded();
    fx.runner(new ScriptedEngine(), refEvents, tmp.resolve("ref"))
        .run(JobFixture.delivery(fx.job("ftjob-ref", 7, 3)), new JobFixture.Flags());
    String uninterrupted = refEvents.of(AdapterTrained.class).get(0).adapterDigest();

    CheckpointQuantized job = fx.job("ftjob-3", 7, 3);
    var flags = new JobFixture.Flags();
    var events = new JobFixture.Recorded();
    // the worker stops right after step 4 (checkpoint at 3)
    JobRunner first =
        fx.runner(stopAfter(new ScriptedEngine(), 4, flags), events, tmp.resolve("w1"));
    assertEquals(JobOutcome.STOPPED, first.run(JobFixture.delivery(job), flags));
    assertEquals(
        List.of(3L, 4L),
        events.of(CheckpointSaved.class).stream().map(CheckpointSaved::step).toList(),
        "the stopping run checkpointed the step it stopped after");
    assertTrue(events.of(AdapterTrained.class).isEmpty());
    assertTrue(events.of(JobFailed.class).isEmpty());

    // a fresh trainer takes the job over
    var engine = new ScriptedEngine();
    var resumed = new JobFixture.Recorded();
    JobOutcome outcome =
        fx.runner(engine, resumed, tmp.resolve("w2"))
            .run(JobFixture.delivery(job), new JobFixture.Flags());

    assertEquals(JobOutcome.TRAINED, outcome);
    assertNotNull(engine.plans.get(0).resumeFrom(), "resumed from a checkpoint");
    assertEquals(
        LongStream.rangeClosed(5, 7).boxed().toList(),
        resumed.of(TrainingProgress.class).stream().map(TrainingProgress::step).toList(),
        "continues after step 4, no restart from zero");
    assertEquals(1, resumed.of(AdapterTrained.class).size());
    assertEquals(uninterrupted, resumed.of(AdapterTrained.class).get(0).adapterDigest());
  }

  @Test
  void cancelStopsTheRunAndPublishesCancelledOnce() throws Exception {
    var flags = new JobFixture.Flags();
    var events = new JobFixture.Recorded();
    CheckpointQuantized job = fx.job("ftjob-4", 10, 2);
    TrainingEngine engine = cancelAfter(new ScriptedEngine(), 3, flags);

    JobOutcome outcome =
        fx.runner(engine, events, tmp.resolve("w")).run(JobFixture.delivery(job), flags);

    assertEquals(JobOutcome.CANCELLED, outcome);
    assertEquals(3, events.of(TrainingProgress.class).size(), "stopped within a step");
    assertEquals(
        List.of(2L),
        events.of(CheckpointSaved.class).stream().map(CheckpointSaved::step).toList(),
        "a cancelled run does not checkpoint on its way out");
    assertTrue(events.of(JobFailed.class).isEmpty(), "a cancelled job is not a failed one");
    JobCancelled cancelled = events.of(JobCancelled.class).get(0);
    assertEquals(JobFailed.Stage.TRAINING, cancelled.stage());
    assertEquals(3L, cancelled.steps());
    assertTrue(events.of(AdapterTrained.class).isEmpty());

    var again = new JobFixture.Recorded();
    assertEquals(
        JobOutcome.REPUBLISHED,
        fx.runner(new ScriptedEngine(), again, tmp.resolve("w"))
            .run(JobFixture.delivery(job), new JobFixture.Flags()));
    assertEquals(cancelled, again.of(JobCancelled.class).get(0));
  }

  @Test
  void aJobCancelledBeforeItStartsNeverTrains() throws Exception {
    var engine = new ScriptedEngine();
    var events = new JobFixture.Recorded();
    var flags = new JobFixture.Flags();
    flags.cancelled = true;
    assertEquals(
        JobOutcome.CANCELLED,
        fx.runner(engine, events, tmp.resolve("w"))
            .run(JobFixture.delivery(fx.job("ftjob-5", 4, 2)), flags));
    assertTrue(engine.plans.isEmpty());
  }

  @Test
  void badInputIsAUserErrorThatSaysWhatWasExpected() throws Exception {
    var events = new JobFixture.Recorded();
    JobRunner runner = fx.runner(new ScriptedEngine(), events, tmp.resolve("w"));

    // a store entry whose bytes are not its key (damaged or planted): the bytes are checked
    String planted = "d".repeat(64);
    fx.store.putIfAbsent(
        planted, d -> Files.writeString(d.resolve("data.jsonl"), JobFixture.TRAIN_JSONL));
    assertEquals(
        JobOutcome.FAILED,
        runner.run(JobFixture.delivery(fx.job("ftjob-6", 4, 2, planted)), new JobFixture.Flags()));
    JobFailed digest = events.of(JobFailed.class).get(0);
    assertEquals(JobFailed.Code.USER_ERROR, digest.code());
    assertTrue(digest.message().contains("must have SHA-256 " + planted), digest.message());
    assertTrue(digest.message().contains(fx.trainSha), digest.message());

    var unsafe =
        assertThrows(
            EventDecodingException.class,
            () ->
                runner.run(JobFixture.delivery(fx.job("../escape", 4, 2)), new JobFixture.Flags()));
    assertEquals("invalid_field", unsafe.code());
    JobFailed path = events.of(JobFailed.class).get(1);
    assertEquals(JobFailed.Code.USER_ERROR, path.code());
    assertTrue(path.message().startsWith("job id must be"), path.message());
    assertTrue(Files.notExists(fx.root.resolve("escape")));

    String sha = fx.putDataset("not json\n");
    runner.run(JobFixture.delivery(fx.job("ftjob-7", 4, 2, sha)), new JobFixture.Flags());
    JobFailed data = events.of(JobFailed.class).get(2);
    assertEquals(JobFailed.Code.USER_ERROR, data.code());
    assertEquals("line 1 of the training file is not JSON", data.message());
  }

  /** Events may come from any upstream system: the trainer applies the one rule set itself. */
  @Test
  void settingsOutsideTheJobSpecRulesAreAUserErrorNamingEveryField() throws Exception {
    var events = new JobFixture.Recorded();
    var engine = new ScriptedEngine();
    CheckpointQuantized good = fx.job("ftjob-9", 4, 0);
    var req = good.request();
    var bad =
        new dev.cura.events.FineTuneRequested(
            req.jobId(),
            req.tenant(),
            req.baseModel(),
            req.datasets(),
            req.lora(),
            req.quantization(),
            new dev.cura.events.OptimizerConfig("sgd", 0.01, null),
            req.training(),
            req.adapterName());
    CheckpointQuantized job =
        new CheckpointQuantized(
            good.jobId(),
            good.artifactDigest(),
            good.artifactUri(),
            good.bitsPerParam(),
            good.errorStats(),
            good.cacheHit(),
            bad);
    assertEquals(
        JobOutcome.FAILED,
        fx.runner(engine, events, tmp.resolve("w"))
            .run(JobFixture.delivery(job), new JobFixture.Flags()));
    JobFailed failed = events.of(JobFailed.class).get(0);
    assertEquals(JobFailed.Code.USER_ERROR, failed.code());
    assertEquals(
        "optimizer.name must be one of [paged_adamw_32bit, paged_adamw_8bit, adamw_32bit], got 'sgd'; "
            + "training.checkpoint_every must be an integer in 1..100000000, got 0",
        failed.message());
    assertTrue(engine.plans.isEmpty(), "nothing trains");
  }

  /**
   * An engine crash, an exception or running out of memory (a batch or sequence too large for this
   * trainer), fails the job, not the trainer: an internal error without the crash's message or
   * stack trace, recorded so that a redelivery re-publishes the failure rather than retrying.
   */
  @Test
  void anEngineCrashOrRunningOutOfMemoryIsAnInternalErrorWithoutItsStackTrace() throws Exception {
    List<TrainingEngine> crashing =
        List.of(
            (plan, listener) -> {
              throw new IllegalStateException("CUDA error: an illegal memory access at 0x7f");
            },
            (plan, listener) -> {
              throw new OutOfMemoryError("Java heap space");
            });
    for (int i = 0; i < crashing.size(); i++) {
      String job = "ftjob-crash-" + i;
      JobFailed f = fx.failureOf(job, crashing.get(i), tmp.resolve("w" + i));
      assertEquals(JobFailed.Code.INTERNAL, f.code());
      assertTrue(
          f.message().startsWith("the trainer failed with an internal error (incident "),
          f.message());
      for (String leak : List.of("0x7f", "heap space", "Exception", "OutOfMemory")) {
        assertTrue(!f.message().contains(leak), f.message());
      }
      var ledger = fx.ledger(job);
      assertEquals(f, ledger.outcome().orElseThrow().data());
      assertNull(ledger.latestCheckpoint().orElse(null));
    }
  }

  @Test
  void progressThatCannotBePublishedDoesNotFailTheJob() throws Exception {
    var terminal = new JobFixture.Recorded();
    JobEvents flaky =
        e -> {
          if (e.data() instanceof TrainingProgress || e.data() instanceof CheckpointSaved) {
            throw new IllegalStateException("broker unavailable");
          }
          terminal.publish(e);
        };
    JobOutcome outcome =
        fx.runner(new ScriptedEngine(), flaky, tmp.resolve("w"))
            .run(JobFixture.delivery(fx.job("ftjob-9", 4, 2)), new JobFixture.Flags());
    assertEquals(JobOutcome.TRAINED, outcome);
    assertEquals(1, terminal.of(AdapterTrained.class).size());
    // the checkpoint was recorded even though its event was lost
    var ledger = fx.ledger("ftjob-9");
    assertEquals(2, ledger.latestCheckpoint().orElseThrow().step());
  }

  /** Wraps an engine so that the worker "stops" once step {@code n} is done. */
  static TrainingEngine stopAfter(TrainingEngine engine, long n, JobFixture.Flags flags) {
    return afterStep(engine, n, () -> flags.stopping = true);
  }

  /** Wraps an engine so that the job is cancelled once step {@code n} is done. */
  static TrainingEngine cancelAfter(TrainingEngine engine, long n, JobFixture.Flags flags) {
    return afterStep(engine, n, () -> flags.cancelled = true);
  }

  /** Wraps an engine so that {@code action} runs once step {@code n} is done. */
  private static TrainingEngine afterStep(TrainingEngine engine, long n, Runnable action) {
    return (plan, listener) ->
        engine.train(
            plan,
            new Forwarding(listener) {
              @Override
              public void onStep(StepStats s) {
                super.onStep(s);
                if (s.step() == n) {
                  action.run();
                }
              }
            });
  }

  /** The process dying (SIGKILL) in a test: nothing after it runs, nothing catches it. */
  static final class Killed extends Error {
    Killed() {
      super("killed", null, false, false);
    }
  }

  /** Wraps an engine so that the process "dies" once step {@code n} is done. */
  static TrainingEngine killedAfter(TrainingEngine engine, long n) {
    return afterStep(
        engine,
        n,
        () -> {
          throw new Killed();
        });
  }

  /** A listener that forwards everything. */
  static class Forwarding implements TrainingListener {
    private final TrainingListener inner;

    Forwarding(TrainingListener inner) {
      this.inner = inner;
    }

    @Override
    public void onTrainingStarted() throws Exception {
      inner.onTrainingStarted();
    }

    @Override
    public void onStep(StepStats stats) {
      inner.onStep(stats);
    }

    @Override
    public void onCheckpoint(long step, Path dir) throws Exception {
      inner.onCheckpoint(step, dir);
    }

    @Override
    public boolean shouldStop() {
      return inner.shouldStop();
    }

    @Override
    public boolean checkpointBeforeStop() {
      return inner.checkpointBeforeStop();
    }
  }
}
