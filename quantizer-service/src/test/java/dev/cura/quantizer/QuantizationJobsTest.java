package dev.cura.quantizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.core.models.ModelCatalog;
import dev.cura.core.models.ModelRoots;
import dev.cura.core.models.RegisteredModels;
import dev.cura.core.store.ArtifactStore;
import dev.cura.core.synth.SyntheticCheckpoint;
import dev.cura.events.CheckpointQuantized;
import dev.cura.events.ContentRef;
import dev.cura.events.FineTuneRequested;
import dev.cura.events.JobFailed;
import dev.cura.events.QuantConfig;
import dev.cura.testinfra.SampleEvents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quantizer's logic without Kafka: caching, sharing, cancellation, error classes. */
class QuantizationJobsTest {
  @TempDir Path tmp;
  ExecutorService workers;
  QuantizationJobs jobs;
  SimpleMeterRegistry meters;

  static final Map<String, String> DIGESTS = new ConcurrentHashMap<>();

  @BeforeEach
  void setUp() throws Exception {
    SyntheticCheckpoint.write(TestModels.TINY, 1, tmp.resolve("models/tiny"), b -> {});
    DIGESTS.put(
        "tiny", TestModels.register(tmp.resolve("store"), "tiny", tmp.resolve("models/tiny")));
    workers = Executors.newSingleThreadExecutor();
    meters = new SimpleMeterRegistry();
    jobs = jobs(tmp.resolve("store"));
  }

  QuantizationJobs jobs(Path store) {
    return new QuantizationJobs(
        new ArtifactStore(store),
        new RegisteredModels(
            new ModelCatalog(store),
            new ModelRoots(List.of(tmp.resolve("models").toString()), tmp)),
        workers,
        meters);
  }

  @AfterEach
  void tearDown() throws Exception {
    workers.shutdown();
    workers.awaitTermination(10, TimeUnit.SECONDS);
  }

  static FineTuneRequested request(String job, String model, QuantConfig q) {
    return request(job, model, DIGESTS.getOrDefault(model, SampleEvents.SHA_A), q);
  }

  static FineTuneRequested request(String job, String model, String digest, QuantConfig q) {
    FineTuneRequested s = SampleEvents.fineTuneRequested(job);
    return new FineTuneRequested(
        job,
        s.tenant(),
        new ContentRef(model, digest),
        s.datasets(),
        s.lora(),
        q,
        s.optimizer(),
        s.training(),
        s.adapterName());
  }

  static CheckpointQuantized quantized(QuantizeOutcome o) {
    return assertInstanceOf(QuantizeOutcome.Quantized.class, o).event();
  }

  @Test
  void concurrentRequestsShareOneQuantizationAndLaterOnesHitTheCache() throws Exception {
    QuantConfig q = new QuantConfig("nf4", true, 64);
    CompletableFuture<QuantizeOutcome> a = jobs.submit(request("job-a", "tiny", q));
    CompletableFuture<QuantizeOutcome> b = jobs.submit(request("job-b", "tiny", q));
    CheckpointQuantized ea = quantized(a.get(60, TimeUnit.SECONDS));
    CheckpointQuantized eb = quantized(b.get(60, TimeUnit.SECONDS));
    assertEquals(1, jobs.quantizationsRun());
    assertEquals(ea.artifactDigest(), eb.artifactDigest());
    assertNotEquals(ea.cacheHit(), eb.cacheHit(), "exactly one of the two quantized");
    assertEquals(4.127, ea.bitsPerParam(), 0.002);
    assertTrue(ea.errorStats().meanAbsError() > 0);
    assertEquals("cas:sha256/" + ea.artifactDigest(), ea.artifactUri());
    assertTrue(Files.isDirectory(tmp.resolve("store/sha256").resolve(ea.artifactDigest())));
    CheckpointQuantized ec =
        quantized(jobs.submit(request("job-c", "tiny", q)).get(60, TimeUnit.SECONDS));
    assertTrue(ec.cacheHit());
    assertEquals(1, jobs.quantizationsRun());
    // other settings → another artifact
    CheckpointQuantized ed =
        quantized(
            jobs.submit(request("job-d", "tiny", new QuantConfig("fp4", false, 128)))
                .get(60, TimeUnit.SECONDS));
    assertNotEquals(ea.artifactDigest(), ed.artifactDigest());
    assertEquals(2, jobs.quantizationsRun());
    assertEquals(2.0, meters.get("cura.quantize.cache").tag("result", "miss").counter().count());
    assertEquals(2.0, meters.get("cura.quantize.cache").tag("result", "hit").counter().count());
  }

  @Test
  void cancelledJobsAreSkipped() throws Exception {
    jobs.cancel("job-x");
    assertInstanceOf(
        QuantizeOutcome.Cancelled.class,
        jobs.submit(request("job-x", "tiny", new QuantConfig("nf4", true, 64)))
            .get(60, TimeUnit.SECONDS));
    assertEquals(0, jobs.quantizationsRun());
  }

  @Test
  void environmentFailuresAreInternalWithoutInternals() throws Exception {
    // the store's sha256/ is a file: the catalog and the claims work, the artifact cannot be put
    Files.writeString(tmp.resolve("store/sha256"), "x");
    QuantizationJobs broken = jobs(tmp.resolve("store"));
    JobFailed f =
        assertInstanceOf(
                QuantizeOutcome.Failed.class,
                broken
                    .submit(request("j9", "tiny", new QuantConfig("nf4", true, 64)))
                    .get(60, TimeUnit.SECONDS))
            .event();
    assertEquals(JobFailed.Code.INTERNAL, f.code());
    assertTrue(f.message().startsWith("internal error while quantizing"), f.message());
    assertTrue(!f.message().contains("Exception") && !f.message().contains(tmp.toString()));
  }

  @Test
  void badInputIsAUserError() throws Exception {
    JobFailed f =
        assertInstanceOf(
                QuantizeOutcome.Failed.class,
                jobs.submit(request("j1", "no-such-model", null)).get(60, TimeUnit.SECONDS))
            .event();
    assertEquals(JobFailed.Code.USER_ERROR, f.code());
    assertEquals(JobFailed.Stage.QUANTIZING, f.stage());
    assertTrue(f.message().contains("'no-such-model' is not registered"), f.message());

    f =
        assertInstanceOf(
                QuantizeOutcome.Failed.class,
                jobs.submit(request("j2", "tiny", new QuantConfig("nf4", true, 48)))
                    .get(60, TimeUnit.SECONDS))
            .event();
    assertEquals(JobFailed.Code.USER_ERROR, f.code());
    assertTrue(f.message().contains("got 48"), f.message());

    Path broken = Files.createDirectories(tmp.resolve("models/broken"));
    Files.writeString(broken.resolve("config.json"), "{}");
    Files.write(broken.resolve("model.safetensors"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    DIGESTS.put("broken", TestModels.register(tmp.resolve("store"), "broken", broken));
    f =
        assertInstanceOf(
                QuantizeOutcome.Failed.class,
                jobs.submit(request("j3", "broken", null)).get(60, TimeUnit.SECONDS))
            .event();
    assertEquals(JobFailed.Code.USER_ERROR, f.code());
    assertTrue(f.message().contains("header length"), f.message());
  }
}
