package dev.cura.trainer.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.JobFailed;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobLedgerTest {
  @TempDir Path root;
  private final EventCodec codec = new EventCodec();

  @Test
  void theFirstRecordedOutcomeWins() throws Exception {
    var ledger = JobLedger.open(root, "tenant-a", "ftjob-1", codec);
    var first =
        EventEnvelope.create(
            "/cura/trainer",
            new JobFailed(
                "ftjob-1", JobFailed.Stage.TRAINING, JobFailed.Code.USER_ERROR, "cancelled"));
    var second =
        EventEnvelope.create(
            "/cura/trainer",
            new JobFailed("ftjob-1", JobFailed.Stage.TRAINING, JobFailed.Code.INTERNAL, "late"));

    assertEquals(first.id(), ledger.recordOutcome(first).id());
    // another instance (own ledger object) loses the race
    var other = JobLedger.open(root, "tenant-a", "ftjob-1", codec);
    var recorded = other.recordOutcome(second);
    assertEquals(first.id(), recorded.id());
    assertEquals(first.data(), recorded.data());
    assertEquals(first.time(), recorded.time());
    try (var files = Files.list(ledger.dir())) {
      assertEquals(1, files.count(), "no temp files left");
    }
  }

  @Test
  void theCheckpointPointerNeverMovesBack() throws Exception {
    var ledger = JobLedger.open(root, "tenant-a", "ftjob-2", codec);
    ledger.recordCheckpoint(
        new JobLedger.CheckpointRecord(4, "a".repeat(64), "cas:sha256/" + "a".repeat(64)));
    ledger.recordCheckpoint(
        new JobLedger.CheckpointRecord(2, "b".repeat(64), "cas:sha256/" + "b".repeat(64)));
    assertEquals(4, ledger.latestCheckpoint().orElseThrow().step());
    ledger.recordCheckpoint(
        new JobLedger.CheckpointRecord(6, "c".repeat(64), "cas:sha256/" + "c".repeat(64)));
    assertEquals("c".repeat(64), ledger.latestCheckpoint().orElseThrow().digest());
  }

  @Test
  void ledgersAreKeyedByTenantAndJob() throws Exception {
    var mine = JobLedger.open(root, "tenant-a", "ftjob-3", codec);
    var theirs = JobLedger.open(root, "tenant-b", "ftjob-3", codec);
    mine.recordCheckpoint(
        new JobLedger.CheckpointRecord(4, "a".repeat(64), "cas:sha256/" + "a".repeat(64)));
    assertTrue(theirs.latestCheckpoint().isEmpty(), "another tenant's job id opens its own state");
    assertEquals(root.resolve("tenants/tenant-a/jobs/ftjob-3"), mine.dir());
    assertThrows(JobException.class, () -> JobLedger.open(root, "../tenant-a", "ftjob-3", codec));
  }

  @Test
  void attemptsThatDieAreCountedUntilTheJobMakesProgress() throws Exception {
    var ledger = JobLedger.open(root, "tenant-a", "ftjob-4", codec);
    assertEquals(deaths(0, 0), ledger.startAttempt());
    ledger.trainingStarted();
    ledger.endAttempt(); // ended on its own: not counted
    assertEquals(deaths(0, 0), ledger.startAttempt());
    ledger.trainingStarted(); // this one dies in its first step (no endAttempt)
    assertEquals(deaths(1, 0), ledger.startAttempt());
    ledger.trainingStarted(); // and this one
    assertEquals(deaths(2, 0), ledger.startAttempt());
    ledger.trainingStarted();
    // progress: a new checkpoint resets the count
    ledger.recordCheckpoint(
        new JobLedger.CheckpointRecord(2, "a".repeat(64), "cas:sha256/" + "a".repeat(64)));
    assertEquals(deaths(0, 0), ledger.startAttempt());
  }

  /**
   * scripts/chaos.sh SIGKILLs the trainer at random moments — while it restarts, while it loads the
   * job, a few steps into it: such deaths are the same for every job and must not count as the job
   * killing its trainer (3 of them failed a job as "died 3 times" when every run was counted). They
   * count apart, so that a job whose loading or later steps kill the trainer still ends.
   */
  @Test
  void runsThatDieWhileLoadingOrAfterAStepCountApart() throws Exception {
    var ledger = JobLedger.open(root, "tenant-a", "ftjob-5", codec);
    assertEquals(deaths(0, 0), ledger.startAttempt());
    ledger.trainingStarted(); // killed in its first step: counted as such
    assertEquals(deaths(1, 0), ledger.startAttempt()); // killed while loading
    assertEquals(deaths(1, 1), ledger.startAttempt());
    ledger.trainingStarted();
    ledger.firstStepDone(); // killed after a step
    assertEquals(deaths(1, 2), ledger.startAttempt());
    ledger.endAttempt(); // ended on its own while loading (a drain): not a death
    assertEquals(deaths(1, 2), ledger.startAttempt());
    ledger.trainingStarted();
    ledger.firstStepDone();
    // a checkpoint written during the run, then killed: progress, nothing counted
    ledger.recordCheckpoint(
        new JobLedger.CheckpointRecord(5, "b".repeat(64), "cas:sha256/" + "b".repeat(64)));
    assertEquals(deaths(0, 0), ledger.startAttempt());
  }

  static JobLedger.Deaths deaths(int inFirstStep, int elsewhere) {
    return new JobLedger.Deaths(inFirstStep, elsewhere);
  }

  @Test
  void unsafeJobIdsAreRefused() {
    for (String id : new String[] {"../x", "a/b", ".hidden", "", "x".repeat(129)}) {
      var e =
          assertThrows(JobException.class, () -> JobLedger.open(root, "tenant-a", id, codec), id);
      assertEquals(JobFailed.Code.USER_ERROR, e.code());
      // the id is quoted (at most 80 characters of it)
      assertTrue(
          e.getMessage().contains("'" + id.substring(0, Math.min(80, id.length()))),
          e.getMessage());
    }
  }
}
