package dev.cura.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.core.store.JobOwners;
import dev.cura.events.CancelRequested;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.JobFailed;
import dev.cura.events.Topics;
import dev.cura.testinfra.EmbeddedPostgresServer;
import dev.cura.testinfra.HostileRecords;
import dev.cura.testinfra.KafkaPostgresTestResource;
import dev.cura.testinfra.SampleEvents;
import dev.cura.testinfra.TestKafka;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The hostile-record corpus ({@link HostileRecords}) against the registry's consumers, and the
 * adapter of a cancelled job, through the real broker and PostgreSQL.
 */
@QuarkusTest
@WithTestResource(KafkaPostgresTestResource.class)
class RegistryFuzzTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final EventCodec codec = new EventCodec();

  private static Path artifactRoot() {
    return Path.of(ConfigProvider.getConfig().getValue("cura.artifact-root", String.class));
  }

  @Test
  void hostileRecordsAreDeadLetteredAndNothingIsRegistered() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Path bait = Files.createTempDirectory(Path.of("target"), "bait-").toAbsolutePath();
    var refs =
        new HostileRecords.Bait(
            bait.toString(),
            bait.resolve("data.jsonl").toString(),
            SampleEvents.SHA_B,
            "SECRET-" + run,
            "ftjob-owned-" + run);
    new JobOwners(artifactRoot()).claim(HostileRecords.OWNER, refs.foreignJobId());
    var cases = new ArrayList<>(HostileRecords.adapterTrained(run, refs));
    cases.addAll(HostileRecords.jobCancel(run, refs));

    HostileRecords.sendAndCheck("registry", cases, refs.secret(), WAIT);

    for (var c : cases) {
      assertEquals(0, versions(c.key()), c.name() + " registered");
    }
  }

  @Test
  void theAdapterOfAJobCancelledBeforeRegistrationIsNotRegistered() throws Exception {
    String job = "ftjob-cancelled-" + UUID.randomUUID();
    // the cancel and the trained adapter arrive back to back on two topics
    TestKafka.send(
        codec.encode(
            EventEnvelope.create("/cura/gateway", new CancelRequested(job, "stop", "default"))));
    TestKafka.send(
        codec.encode(EventEnvelope.create("/cura/trainer", SampleEvents.adapterTrained(job))));

    var record = TestKafka.await(Topics.JOB_FAILED, r -> job.equals(r.key()), 1, WAIT).get(0);
    var failed = (JobFailed) codec.decode(TestKafka.headers(record), record.value()).data();
    assertEquals(JobFailed.Stage.REGISTERING, failed.stage());
    assertEquals(JobFailed.Code.USER_ERROR, failed.code());
    assertTrue(failed.message().startsWith("cancelled"), failed.message());
    assertEquals(0, versions(job), "no version for a cancelled job");
  }

  /** Adapter versions of a job, read with plain JDBC. */
  private static int versions(String jobId) {
    return EmbeddedPostgresServer.count(
        "select count(*) from reg_adapter_version where job_id = ?", jobId);
  }
}
