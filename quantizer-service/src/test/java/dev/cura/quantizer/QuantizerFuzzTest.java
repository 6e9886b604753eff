package dev.cura.quantizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.core.quantize.ArtifactKey;
import dev.cura.core.quantize.QuantizeSettings;
import dev.cura.core.store.DirectoryDigest;
import dev.cura.core.store.JobOwners;
import dev.cura.core.store.Sha256;
import dev.cura.core.synth.SyntheticCheckpoint;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.QuantConfig;
import dev.cura.events.Topics;
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
import org.junit.jupiter.api.Test;

/**
 * The hostile-record corpus ({@link HostileRecords}) against the quantizer's consumers, through the
 * real broker: every record dead-lettered with its documented code and a reason, jobs failed where
 * the sender owns them, nothing outside the model roots read (the bait model, a valid checkpoint,
 * is never quantized), and the consumer goes on with the next good request.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class QuantizerFuzzTest {
  static final Duration WAIT = Duration.ofSeconds(120);
  static final EventCodec CODEC = new EventCodec();

  @Inject QuantizationJobs jobs;

  @Test
  void hostileRecordsAreDeadLetteredAndNothingOutsideTheRootsIsRead() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Path bait = Files.createTempDirectory(Path.of("target"), "bait-").toAbsolutePath();
    Path model = bait.resolve("model");
    SyntheticCheckpoint.write(TestModels.TINY, 7, model, b -> {});
    String secret = "SECRET-" + run;
    Path data = Files.writeString(bait.resolve("data.jsonl"), "{\"prompt\":\"" + secret + "\"}\n");
    var baitRefs =
        new HostileRecords.Bait(
            model.toString(), data.toString(), Sha256.ofFile(data), secret, "ftjob-owned-" + run);
    new JobOwners(TestModels.artifactRoot()).claim(HostileRecords.OWNER, baitRefs.foreignJobId());
    long quantized = jobs.quantizationsRun();

    var cases = new ArrayList<>(HostileRecords.jobRequested(run, baitRefs));
    cases.addAll(HostileRecords.jobCancel(run, baitRefs));
    HostileRecords.sendAndCheck("quantizer", cases, secret, WAIT);

    assertEquals(quantized, jobs.quantizationsRun(), "no hostile record was quantized");
    String baitKey = ArtifactKey.of(DirectoryDigest.of(model), QuantizeSettings.defaults());
    assertFalse(
        Files.exists(TestModels.artifactRoot().resolve("sha256").resolve(baitKey)),
        "the bait model outside the roots was never read into the store");
    assertFalse(jobs.isCancelled(baitRefs.foreignJobId()), "another tenant's cancel was refused");

    // the consumer carries on: a good request after the corpus is served
    String name = "fuzz-good-" + run;
    String digest = TestModels.registerSynthetic(name, 11);
    String job = "ftjob-fuzz-good-" + run;
    TestKafka.send(
        CODEC.encode(
            EventEnvelope.create(
                "/test",
                QuantizationJobsTest.request(
                    job, name, digest, new QuantConfig("nf4", true, 64)))));
    assertTrue(
        TestKafka.await(Topics.CHECKPOINT_QUANTIZED, r -> job.equals(r.key()), 1, WAIT).size()
            == 1);
    assertTrue(cases.size() >= 15, "corpus size " + cases.size());
  }
}
