package dev.cura.trainer.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.events.AdapterTrained;
import dev.cura.events.CheckpointSaved;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The worker's threads, duplicate deliveries, stop/start, drain and release. */
class TrainingWorkerTest extends JobFixtureTest {
  private static final long WAIT_S = 60;

  HoldingEngine engine;
  JobFixture.Recorded events;
  TrainingWorker worker;

  @BeforeEach
  void setUp() throws Exception {
    engine = new HoldingEngine(new ScriptedEngine());
    events = new JobFixture.Recorded();
    worker = new TrainingWorker(fx.runner(engine, events, tmp.resolve("w")), 1);
    worker.start();
  }

  @AfterEach
  void tearDown() {
    worker.close();
  }

  /**
   * Submits a job of {@code steps} steps, checkpointing every {@code every}, and waits until the
   * engine holds it after step {@code holdAt}.
   */
  private CompletableFuture<JobOutcome> submitHeldAfterStep(
      String jobId, int steps, int every, long holdAt) throws Exception {
    var held = engine.holdAfterStep(jobId, holdAt);
    var result = worker.submit(JobFixture.delivery(fx.job(jobId, steps, every)));
    assertTrue(held.await(WAIT_S, TimeUnit.SECONDS));
    return result;
  }

  @Test
  void aSecondDeliveryOfARunningJobJoinsItsRun() throws Exception {
    var first = submitHeldAfterStep("ftjob-a", 3, 2, 1);
    var second = worker.submit(JobFixture.delivery(fx.job("ftjob-a", 3, 2)));
    assertSame(first, second);
    assertEquals(List.of(new TrainingWorker.HeldJob("ftjob-a", "running")), worker.jobs());
    worker.cancel("ftjob-a");
    assertEquals(JobOutcome.CANCELLED, first.get(WAIT_S, TimeUnit.SECONDS));
    assertEquals(1, engine.plans.size());
    assertTrue(worker.jobs().isEmpty());
  }

  @Test
  void stoppedJobsStayHeldAndResumeOnStart() throws Exception {
    var result = submitHeldAfterStep("ftjob-b", 5, 2, 3);

    assertTrue(worker.stop(Duration.ofSeconds(WAIT_S)));
    assertFalse(result.isDone(), "a stopped job has no outcome yet");
    assertEquals(List.of(new TrainingWorker.HeldJob("ftjob-b", "waiting")), worker.jobs());

    worker.start();
    assertEquals(JobOutcome.TRAINED, result.get(WAIT_S, TimeUnit.SECONDS));
    assertNotNull(engine.plansOf("ftjob-b").get(1).resumeFrom());
    assertEquals(
        List.of(2L, 3L, 4L),
        events.of(CheckpointSaved.class).stream().map(CheckpointSaved::step).toList());
    assertEquals(1, events.of(AdapterTrained.class).size());
  }

  @Test
  void drainCheckpointsAndHandsBackEveryJob() throws Exception {
    var running = submitHeldAfterStep("ftjob-c", 5, 4, 1);
    var waiting = worker.submit(JobFixture.delivery(fx.job("ftjob-d", 5, 4)));

    assertEquals(
        List.of("ftjob-c", "ftjob-d"),
        worker.drain(Duration.ofSeconds(WAIT_S)).stream().sorted().toList());

    assertEquals(JobOutcome.STOPPED, running.get(WAIT_S, TimeUnit.SECONDS));
    assertEquals(JobOutcome.STOPPED, waiting.get(WAIT_S, TimeUnit.SECONDS));
    assertEquals(
        List.of(1L),
        events.of(CheckpointSaved.class).stream().map(CheckpointSaved::step).toList(),
        "the running job checkpointed its one step");
    assertTrue(engine.plansOf("ftjob-d").isEmpty(), "the waiting job never started");
    // no new work starts on a drained worker
    var later = worker.submit(JobFixture.delivery(fx.job("ftjob-e", 2, 2)));
    assertFalse(later.isDone());
    assertEquals(List.of(new TrainingWorker.HeldJob("ftjob-e", "waiting")), worker.jobs());
  }

  @Test
  void aReleasedJobStopsWithoutOutcome() throws Exception {
    var result = submitHeldAfterStep("ftjob-f", 5, 10, 2);
    worker.release("ftjob-f");
    assertEquals(JobOutcome.STOPPED, result.get(WAIT_S, TimeUnit.SECONDS));
    assertTrue(events.of(AdapterTrained.class).isEmpty());
    assertEquals(
        List.of(2L),
        events.of(CheckpointSaved.class).stream().map(CheckpointSaved::step).toList(),
        "handed over with its progress checkpointed");
  }
}
