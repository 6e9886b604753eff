package dev.cura.gateway.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.events.AdapterRegistered;
import dev.cura.events.AdapterTrained;
import dev.cura.events.CancelRequested;
import dev.cura.events.CuraEvent;
import dev.cura.events.EventEnvelope;
import dev.cura.events.JobFailed;
import dev.cura.events.TrainingProgress;
import dev.cura.testinfra.SampleEvents;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JobProjectorTest {
  static final String JOB = "ftjob-p";
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  static EventEnvelope<CuraEvent> at(int second, CuraEvent e) {
    return new EventEnvelope<>(
        "e-" + second + "-" + e.getClass().getSimpleName(), "/t", T0.plusSeconds(second), e);
  }

  static Job fresh() {
    return JobProjector.newJob(SampleEvents.fineTuneRequested(JOB), "rest", JobStatus.QUEUED, T0);
  }

  static List<EventEnvelope<CuraEvent>> lifecycle() {
    AdapterTrained trained = SampleEvents.adapterTrained(JOB);
    trained =
        new AdapterTrained(
            JOB,
            trained.tenant(),
            trained.adapterName(),
            trained.adapterDigest(),
            trained.adapterUri(),
            java.util.Map.of("trained_tokens", 1234.0),
            trained.lineage());
    return List.of(
        at(1, SampleEvents.fineTuneRequested(JOB)),
        at(2, SampleEvents.checkpointQuantized(JOB)),
        at(3, new TrainingProgress(JOB, 1, 0.1, 2.0, 1e-4, 50, 1, 10L, 90L)),
        at(4, new TrainingProgress(JOB, 2, 0.2, 1.8, 1e-4, 50, 1, 10L, 80L)),
        at(5, trained),
        at(6, new AdapterRegistered(JOB, "default", "test-adapter", 4, SampleEvents.SHA_A)));
  }

  @Test
  void inOrderLifecycleReachesSucceeded() {
    Job job = fresh();
    var seen = new ArrayList<String>();
    for (var e : lifecycle()) {
      JobProjector.apply(job, e);
      seen.add(job.status);
    }
    assertEquals(
        List.of("quantizing", "running", "running", "running", "registering", "succeeded"), seen);
    assertEquals("test-adapter:4", job.fineTunedModel);
    assertEquals(1234L, job.trainedTokens);
    assertEquals(2L, job.lastStep);
    assertEquals(T0.plusSeconds(6), job.finishedAt);
    assertNull(job.estimatedFinish);
  }

  @Test
  void anyOrderAndDuplicatesGiveTheSameFinalState() {
    var events = new ArrayList<>(lifecycle());
    events.addAll(lifecycle()); // every event delivered twice
    for (long seed = 0; seed < 20; seed++) {
      Collections.shuffle(events, new Random(seed));
      Job job = fresh();
      events.forEach(e -> JobProjector.apply(job, e));
      assertEquals("succeeded", job.status, "seed " + seed);
      assertEquals("test-adapter:4", job.fineTunedModel);
      assertEquals(1234L, job.trainedTokens);
    }
  }

  @Test
  void lateEventsNeverMoveAFinishedJob() {
    Job job = fresh();
    JobProjector.apply(job, at(1, new CancelRequested(JOB, "stop", null)));
    assertEquals("cancelled", job.status);
    JobProjector.apply(job, at(2, new TrainingProgress(JOB, 7, 0.7, 1.0, 1e-4, 50, 1, 10L, 5L)));
    var entries =
        JobProjector.apply(
            job, at(3, new AdapterRegistered(JOB, "default", "a", 1, SampleEvents.SHA_A)));
    JobProjector.apply(
        job, at(4, new JobFailed(JOB, JobFailed.Stage.TRAINING, JobFailed.Code.INTERNAL, "late")));
    assertEquals("cancelled", job.status);
    assertNull(job.fineTunedModel);
    assertNull(job.errorCode);
    assertNull(job.lastStep);
    assertNull(job.estimatedFinish);
    assertEquals("warn", entries.get(0).level());
  }

  @Test
  void olderProgressDoesNotRewindTheStep() {
    Job job = fresh();
    JobProjector.apply(job, at(1, new TrainingProgress(JOB, 5, 0.5, 1.0, 1e-4, 50, 1, 10L, 50L)));
    JobProjector.apply(job, at(2, new TrainingProgress(JOB, 3, 0.3, 1.2, 1e-4, 50, 1, 10L, 70L)));
    assertEquals(5L, job.lastStep);
    assertEquals(T0.plusSeconds(51), job.estimatedFinish);
  }

  @Test
  void failureKeepsStageAndCode() {
    Job job = fresh();
    var entries =
        JobProjector.apply(
            job,
            at(
                1,
                new JobFailed(
                    JOB, JobFailed.Stage.QUANTIZING, JobFailed.Code.USER_ERROR, "no such model")));
    assertEquals("failed", job.status);
    assertEquals("user_error", job.errorCode);
    assertEquals("quantizing: no such model", job.errorMessage);
    assertTrue(entries.get(0).message().contains("no such model"));
  }
}
