package dev.cura.trainer.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cura.core.store.ArtifactStore;
import dev.cura.core.store.Sha256;
import dev.cura.events.CheckpointQuantized;
import dev.cura.events.ContentRef;
import dev.cura.events.CuraEvent;
import dev.cura.events.DatasetRef;
import dev.cura.events.EventEnvelope;
import dev.cura.events.FineTuneRequested;
import dev.cura.events.JobFailed;
import dev.cura.events.LoraConfig;
import dev.cura.events.OptimizerConfig;
import dev.cura.events.QuantConfig;
import dev.cura.events.TrainingConfig;
import dev.cura.testinfra.SampleEvents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A store with a (stand-in) quantized base and a dataset, and builders for jobs and runners. */
final class JobFixture {
  static final String TRAIN_JSONL =
      """
      {"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello!"}]}
      {"prompt":"2+2=","completion":"4"}
      {"messages":[{"role":"user","content":"nice video"},{"role":"assistant","content":"thanks!"}]}
      {"prompt":"sky is","completion":" blue"}
      """;

  static final String TENANT = "tenant-a";

  final Path root;
  final ArtifactStore store;
  final String baseKey;
  final Path trainFile;
  final String trainSha;
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final TrainerMetrics metrics = new TrainerMetrics(meters, "cpu", () -> 0);

  JobFixture(Path tmp) throws IOException {
    root = tmp.resolve("artifacts");
    store = new ArtifactStore(root);
    baseKey = Sha256.ofString("stand-in quantized base");
    store.putIfAbsent(baseKey, d -> Files.writeString(d.resolve("config.json"), "{}"));
    trainFile = tmp.resolve("train.jsonl");
    Files.writeString(trainFile, TRAIN_JSONL);
    trainSha = putDataset(TRAIN_JSONL);
  }

  /** Stores a dataset as the gateway does (key = SHA-256 of its bytes); returns the key. */
  String putDataset(String jsonl) throws IOException {
    String sha = Sha256.ofString(jsonl);
    store.putIfAbsent(sha, d -> Files.writeString(d.resolve("data.jsonl"), jsonl));
    return sha;
  }

  CheckpointQuantized job(String jobId, int maxSteps, Integer checkpointEvery) {
    return job(jobId, maxSteps, checkpointEvery, trainSha);
  }

  CheckpointQuantized job(String jobId, int maxSteps, Integer checkpointEvery, String datasetSha) {
    return job(TENANT, jobId, maxSteps, checkpointEvery, "cas:sha256/" + datasetSha, datasetSha);
  }

  CheckpointQuantized job(
      String tenant,
      String jobId,
      int maxSteps,
      Integer checkpointEvery,
      String datasetUri,
      String datasetSha) {
    var request =
        new FineTuneRequested(
            jobId,
            tenant,
            new ContentRef("cura-tiny", "c".repeat(64)),
            List.of(new DatasetRef("file-1", "train", datasetUri, datasetSha)),
            new LoraConfig(2, 4.0, 0.0, null),
            new QuantConfig("nf4", true, 64),
            new OptimizerConfig("paged_adamw_32bit", 0.01, null),
            new TrainingConfig(1, 2, 16, 7L, maxSteps, checkpointEvery),
            "my-adapter");
    return SampleEvents.checkpointQuantized(request, baseKey, store.uriOf(baseKey));
  }

  static EventEnvelope<CheckpointQuantized> delivery(CheckpointQuantized job) {
    return EventEnvelope.create("/test/quantizer", job);
  }

  /** Runs that may die while loading or after a step before the job fails, in these tests. */
  static final int MAX_INTERRUPTED_RUNS = 5;

  TrainerSettings settings(Path work) {
    return new TrainerSettings(
        "/cura/trainer",
        "cpu",
        50,
        1,
        work,
        "0.1.0-test",
        3,
        MAX_INTERRUPTED_RUNS,
        java.time.Duration.ofSeconds(2),
        Long.MAX_VALUE);
  }

  /** The ledger of a job of {@link #TENANT}. */
  JobLedger ledger(String jobId) {
    return JobLedger.open(root, TENANT, jobId, new dev.cura.events.EventCodec());
  }

  JobRunner runner(TrainingEngine engine, JobEvents events, Path work) {
    return new JobRunner(new StoreJobArtifacts(store), engine, events, metrics, settings(work));
  }

  /**
   * The JobFailed of job {@code jobId} (4 steps, a checkpoint every 2) run on {@code engine} in
   * {@code work}, which must fail it.
   */
  JobFailed failureOf(String jobId, TrainingEngine engine, Path work) throws Exception {
    var events = new Recorded();
    assertEquals(
        JobOutcome.FAILED,
        runner(engine, events, work).run(delivery(job(jobId, 4, 2)), new Flags()));
    return events.of(JobFailed.class).get(0);
  }

  /** Events in publishing order. */
  static final class Recorded implements JobEvents {
    final List<EventEnvelope<? extends CuraEvent>> all = new CopyOnWriteArrayList<>();

    @Override
    public void publish(EventEnvelope<? extends CuraEvent> envelope) {
      all.add(envelope);
    }

    <E extends CuraEvent> List<E> of(Class<E> type) {
      return all.stream()
          .map(EventEnvelope::data)
          .filter(type::isInstance)
          .map(type::cast)
          .toList();
    }
  }

  /** Signals a test can flip. */
  static final class Flags implements JobRunner.Signals {
    volatile boolean cancelled;
    volatile boolean stopping;

    @Override
    public boolean cancelled() {
      return cancelled;
    }

    @Override
    public boolean stopping() {
      return stopping;
    }
  }
}
