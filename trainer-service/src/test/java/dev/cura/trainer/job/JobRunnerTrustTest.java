package dev.cura.trainer.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.events.AdapterTrained;
import dev.cura.events.CheckpointQuantized;
import dev.cura.events.CheckpointSaved;
import dev.cura.events.EventDecodingException;
import dev.cura.events.JobFailed;
import dev.cura.events.TrainingProgress;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a delivery may touch: only its own tenant's job, only store content; how often a job may
 * kill its trainer; and who may write after a take-over (the lease's epoch fence).
 */
class JobRunnerTrustTest extends JobFixtureTest {
  @Test
  void aJobIdOfAnotherTenantIsRefusedWithoutTouchingTheOwnersJob() throws Exception {
    var events = new JobFixture.Recorded();
    var engine = new ScriptedEngine();
    JobRunner runner = fx.runner(engine, events, tmp.resolve("w"));
    runner.run(JobFixture.delivery(fx.job("ftjob-1", 4, 2)), new JobFixture.Flags());
    var owners = events.all.size();

    CheckpointQuantized theirs =
        fx.job("tenant-b", "ftjob-1", 4, 2, "cas:sha256/" + fx.trainSha, fx.trainSha);
    var e =
        assertThrows(
            EventDecodingException.class,
            () -> runner.run(JobFixture.delivery(theirs), new JobFixture.Flags()));
    assertEquals("foreign_job", e.code());
    assertEquals(owners, events.all.size(), "nothing published for the owner's job");
    assertEquals(1, engine.plans.size(), "not trained again");
    assertTrue(Files.notExists(fx.root.resolve("tenants/tenant-b")));
  }

  @Test
  void referencesOutsideTheStoreAreRefusedBeforeAnythingIsRead() throws Exception {
    // a perfectly good dataset, but outside the store: naming it must not work
    String outside = fx.trainFile.toAbsolutePath().toString();
    var events = new JobFixture.Recorded();
    var engine = new ScriptedEngine();
    JobRunner runner = fx.runner(engine, events, tmp.resolve("w"));
    int i = 0;
    for (String uri :
        List.of(
            outside,
            "file:" + outside,
            fx.trainFile.toUri().toString(),
            "cas:sha256/../../../" + fx.trainSha,
            "../artifacts/sha256/" + fx.trainSha + "/data.jsonl")) {
      String job = "ftjob-ref-" + i++;
      var e =
          assertThrows(
              EventDecodingException.class,
              () ->
                  runner.run(
                      JobFixture.delivery(fx.job(JobFixture.TENANT, job, 4, 2, uri, fx.trainSha)),
                      new JobFixture.Flags()),
              uri);
      assertEquals("invalid_reference", e.code(), uri);
      assertEquals("request.datasets[0].uri", e.field());
      JobFailed f = events.of(JobFailed.class).get(events.of(JobFailed.class).size() - 1);
      assertEquals(job, f.jobId());
      assertEquals(JobFailed.Code.USER_ERROR, f.code());
      assertTrue(f.message().contains("must be cas:sha256/"), f.message());
    }
    assertTrue(engine.plans.isEmpty(), "nothing trained, no file read");
  }

  @Test
  void aJobWhoseTrainerDiesThreeTimesWithoutProgressFailsWithAClearReason() throws Exception {
    var ledger = fx.ledger("ftjob-oom");
    for (int died = 0; died < 3; died++) {
      // a run that never ends: the process was killed in its first step
      assertEquals(died, ledger.startAttempt().inFirstStep());
      ledger.trainingStarted();
    }
    var engine = new ScriptedEngine();
    JobFailed f = fx.failureOf("ftjob-oom", engine, tmp.resolve("w"));
    assertTrue(engine.plans.isEmpty(), "not tried a fourth time");
    assertEquals(JobFailed.Code.USER_ERROR, f.code());
    assertTrue(
        f.message().startsWith("the job's trainer died 3 times in a row in the job's first"),
        f.message());
  }

  /**
   * A job whose loading (or whose steps after the first) kill the trainer is not redelivered
   * forever: after the generous bound it fails with a reason — while fewer such deaths than that (a
   * trainer killed from outside, whatever its job) let it train.
   */
  @Test
  void aJobWhoseTrainerDiesWhileLoadingFailsAfterTheGenerousBound() throws Exception {
    var ledger = fx.ledger("ftjob-load");
    for (int died = 0; died < JobFixture.MAX_INTERRUPTED_RUNS; died++) {
      assertEquals(died, ledger.startAttempt().elsewhere()); // killed before training began
    }
    var engine = new ScriptedEngine();
    JobFailed f = fx.failureOf("ftjob-load", engine, tmp.resolve("w"));
    assertTrue(engine.plans.isEmpty(), "not loaded again");
    assertEquals(JobFailed.Code.USER_ERROR, f.code());
    assertTrue(
        f.message()
            .startsWith(
                "the job's trainer died "
                    + JobFixture.MAX_INTERRUPTED_RUNS
                    + " times without the job reaching a new checkpoint, while loading"),
        f.message());

    // one death fewer: the job trains, and its run marks its first step done on the way
    var other = fx.ledger("ftjob-load-ok");
    for (int died = 0; died < JobFixture.MAX_INTERRUPTED_RUNS - 1; died++) {
      other.startAttempt();
    }
    assertEquals(
        JobOutcome.TRAINED,
        fx.runner(new ScriptedEngine(), new JobFixture.Recorded(), tmp.resolve("w"))
            .run(JobFixture.delivery(fx.job("ftjob-load-ok", 4, 2)), new JobFixture.Flags()));
  }

  /** A run killed after its first step is not one that died in its first step. */
  @Test
  void aRunKilledAfterItsFirstStepCountsAsInterrupted() throws Exception {
    var flags = new JobFixture.Flags();
    CheckpointQuantized job = fx.job("ftjob-late", 9, 4);
    // the run completes 2 steps and is then "killed": it never ends (no endAttempt)
    var killed = JobRunnerTest.killedAfter(new ScriptedEngine(), 2);
    assertThrows(
        JobRunnerTest.Killed.class,
        () ->
            fx.runner(killed, new JobFixture.Recorded(), tmp.resolve("w"))
                .run(JobFixture.delivery(job), flags));
    assertEquals(new JobLedger.Deaths(0, 1), fx.ledger("ftjob-late").startAttempt());
  }

  @Test
  void runsThatEndOnTheirOwnOrMakeProgressAreNotCountedAsDeaths() throws Exception {
    var flags = new JobFixture.Flags();
    var events = new JobFixture.Recorded();
    CheckpointQuantized job = fx.job("ftjob-stops", 9, 2);
    // stopped (drain, rebalance) four times: each run ends on its own
    for (int stop = 1; stop <= 4; stop++) {
      flags.stopping = false;
      assertEquals(
          JobOutcome.STOPPED,
          fx.runner(
                  JobRunnerTest.stopAfter(new ScriptedEngine(), stop * 2L, flags),
                  events,
                  tmp.resolve("w"))
              .run(JobFixture.delivery(job), flags));
    }
    // a killed run after progress (attempt counted, then a new checkpoint) does not count either
    fx.ledger("ftjob-stops").startAttempt();
    assertEquals(
        JobOutcome.TRAINED,
        fx.runner(new ScriptedEngine(), events, tmp.resolve("w"))
            .run(JobFixture.delivery(job), new JobFixture.Flags()));
  }

  @Test
  @Timeout(120) // without the fence, both owners would wait for each other forever
  void afterATakeOverTheOldOwnerStopsBeforeTheNewOneWrites() throws Exception {
    CheckpointQuantized job = fx.job("ftjob-fence", 12, 3);
    var oldEvents = new JobFixture.Recorded();
    var holding = new HoldingEngine(new ScriptedEngine());
    var held = holding.holdAfterStep("ftjob-fence", 4);
    var old =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return fx.runner(holding, oldEvents, tmp.resolve("w-old"))
                    .run(JobFixture.delivery(job), new JobFixture.Flags());
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertTrue(held.await(30, TimeUnit.SECONDS), "the old owner is mid-training (step 4)");

    // the partition moved: a new owner gets the job while the old one still runs it
    var newEvents = new JobFixture.Recorded();
    var engine = new ScriptedEngine();
    JobOutcome taken =
        fx.runner(engine, newEvents, tmp.resolve("w-new"))
            .run(JobFixture.delivery(job), new JobFixture.Flags());

    assertEquals(JobOutcome.STOPPED, old.get(30, TimeUnit.SECONDS), "the old owner stopped");
    assertEquals(
        List.of(3L, 4L),
        oldEvents.of(CheckpointSaved.class).stream().map(CheckpointSaved::step).toList(),
        "it checkpointed where it stopped, before the new owner started");
    assertEquals(JobOutcome.TRAINED, taken);
    assertNotNull(engine.plans.get(0).resumeFrom(), "the new owner resumed");
    assertEquals(
        5L, newEvents.of(TrainingProgress.class).get(0).step(), "from the old owner's last step");
    assertTrue(oldEvents.of(AdapterTrained.class).isEmpty());
    assertEquals(1, newEvents.of(AdapterTrained.class).size());
  }
}
