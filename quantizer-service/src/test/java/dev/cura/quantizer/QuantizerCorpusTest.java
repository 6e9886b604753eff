package dev.cura.quantizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.cura.core.models.ModelCatalog;
import dev.cura.core.models.ModelRoots;
import dev.cura.core.models.RegisteredModels;
import dev.cura.core.store.ArtifactStore;
import dev.cura.core.synth.MalformedCheckpoints;
import dev.cura.events.JobFailed;
import dev.cura.events.QuantConfig;
import dev.cura.testinfra.MalformedCheckpointContract;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The malformed-checkpoint corpus through the quantizer service's logic: a registered base that is
 * broken fails the job as a user error with one line naming the file (relative to the model roots:
 * no server path; {@link MalformedCheckpointContract}), and leaves nothing in the store — no
 * artifact, no temporary files.
 */
class QuantizerCorpusTest extends MalformedCheckpointContract {
  @Override
  protected String refusal(MalformedCheckpoints.Case c) throws Exception {
    Path dir = brokenCheckpoint(c, "models/broken");
    Path store = tmp.resolve("store");
    String digest = TestModels.register(store, "broken", dir);
    var workers = Executors.newSingleThreadExecutor();
    try {
      var jobs =
          new QuantizationJobs(
              new ArtifactStore(store),
              new RegisteredModels(
                  new ModelCatalog(store),
                  new ModelRoots(List.of(tmp.resolve("models").toString()), tmp)),
              workers,
              new SimpleMeterRegistry());
      var outcome =
          jobs.submit(
                  QuantizationJobsTest.request(
                      "ftjob-1", "broken", digest, new QuantConfig("nf4", true, 64)))
              .get(60, TimeUnit.SECONDS);
      JobFailed f = assertInstanceOf(QuantizeOutcome.Failed.class, outcome).event();
      assertEquals(JobFailed.Code.USER_ERROR, f.code(), f.message());
      assertEquals(JobFailed.Stage.QUANTIZING, f.stage());
      assertFalse(f.message().contains(tmp.toString()), "no server path: " + f.message());
      assertFalse(Files.exists(store.resolve("sha256")), "no artifact");
      if (Files.exists(store.resolve("tmp"))) {
        try (Stream<Path> left = Files.list(store.resolve("tmp"))) {
          assertEquals(0, left.count(), "no temporary files");
        }
      }
      return f.message();
    } finally {
      workers.shutdownNow();
    }
  }
}
