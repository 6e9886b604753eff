package dev.cura.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.core.store.ArtifactStore;
import dev.cura.core.store.JobOwners;
import dev.cura.core.store.Sha256;
import dev.cura.events.AdapterTrained;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.LoraConfig;
import dev.cura.events.OptimizerConfig;
import dev.cura.events.Topics;
import dev.cura.events.TrainingConfig;
import dev.cura.testinfra.HostileRecords;
import dev.cura.testinfra.KafkaTestResource;
import dev.cura.testinfra.TestKafka;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The hostile-record corpus ({@link HostileRecords}) against the trainer's consumers, through the
 * real broker: every record dead-lettered with its documented code and a reason, jobs failed where
 * the sender owns them, nothing outside the store read (the bait dataset, valid JSONL, is never
 * trained on and its secret never echoed), no other tenant's job cancelled, and the consumer goes
 * on with the next good job.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class TrainerFuzzTest {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private final EventCodec codec = new EventCodec();

  @Inject TrainerLifecycle trainer;

  @Test
  void hostileRecordsAreDeadLetteredAndNothingOutsideTheStoreIsRead() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    var store =
        new ArtifactStore(
            Path.of(ConfigProvider.getConfig().getValue("cura.artifact-root", String.class)));
    Path bait = Files.createTempDirectory(Path.of("target"), "bait-").toAbsolutePath();
    String secret = "SECRET-" + run;
    Path data =
        Files.writeString(
            bait.resolve("data.jsonl"),
            "{\"prompt\":\"" + secret + "\",\"completion\":\"" + secret + "\"}\n");
    Files.createDirectories(bait.resolve("model"));
    var refs =
        new HostileRecords.Bait(
            bait.resolve("model").toString(),
            data.toString(),
            Sha256.ofFile(data),
            secret,
            "ftjob-owned-" + run);
    new JobOwners(store.root()).claim(HostileRecords.OWNER, refs.foreignJobId());

    var cases = new ArrayList<>(HostileRecords.checkpointQuantized(run, refs));
    cases.addAll(HostileRecords.jobCancel(run, refs));
    HostileRecords.sendAndCheck("trainer", cases, secret, WAIT);

    for (var c : cases) {
      assertTrue(
          TestKafka.readToEnd(Topics.JOB_PROGRESS, r -> c.key().equals(r.key())).isEmpty(),
          c.name() + " trained");
    }
    assertFalse(trainer.worker().isCancelled(refs.foreignJobId()), "a foreign cancel was refused");
    assertTrue(
        Files.notExists(store.root().resolve("tenants/default/jobs").resolve(refs.foreignJobId())),
        "no state written for another tenant's job id");

    // the consumer carries on: a good job after the corpus trains
    String base = TinyBase.put(store, Path.of(System.getProperty("java.io.tmpdir")));
    String jsonl = "{\"prompt\":\"hi\",\"completion\":\" there\"}\n";
    String sha = Sha256.ofString(jsonl);
    store.putIfAbsent(sha, d -> Files.writeString(d.resolve("data.jsonl"), jsonl));
    String job = "ftjob-fuzz-good-" + run;
    var request =
        TinyBase.request(
            job,
            sha,
            new LoraConfig(2, 4.0, 0.0, null),
            new OptimizerConfig("paged_adamw_32bit", 0.01, null),
            new TrainingConfig(1, 1, 32, 3L, 2, null),
            "fuzz");
    TestKafka.send(
        codec.encode(EventEnvelope.create("/test", TinyBase.quantized(store, base, request))));
    var trained = TestKafka.await(Topics.ADAPTER_TRAINED, r -> job.equals(r.key()), 1, WAIT);
    var event =
        (AdapterTrained)
            codec.decode(TestKafka.headers(trained.get(0)), trained.get(0).value()).data();
    assertEquals("cas:sha256/" + event.adapterDigest(), event.adapterUri());
  }
}
