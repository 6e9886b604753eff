package dev.cura.testinfra;

import dev.cura.events.AdapterRegistered;
import dev.cura.events.AdapterTrained;
import dev.cura.events.CancelRequested;
import dev.cura.events.CheckpointQuantized;
import dev.cura.events.ContentRef;
import dev.cura.events.CuraEvent;
import dev.cura.events.DatasetRef;
import dev.cura.events.EncodedEvent;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.FineTuneRequested;
import dev.cura.events.JobFailed;
import dev.cura.events.Lineage;
import dev.cura.events.LoraConfig;
import dev.cura.events.OptimizerConfig;
import dev.cura.events.QuantConfig;
import dev.cura.events.QuantErrorStats;
import dev.cura.events.TrainingConfig;
import dev.cura.events.TrainingProgress;
import java.util.List;
import java.util.Map;

/** Valid, fully populated events for service tests (digests are fixed fake values). */
public final class SampleEvents {
  public static final String SHA_A = "a".repeat(64);
  public static final String SHA_B = "b".repeat(64);

  private static final EventCodec CODEC = new EventCodec();

  private SampleEvents() {}

  /** {@code event} encoded as a system upstream of CURA publishes it ({@code /upstream/test}). */
  public static EncodedEvent upstream(CuraEvent event) {
    return CODEC.encode(EventEnvelope.create("/upstream/test", event));
  }

  public static FineTuneRequested fineTuneRequested(String jobId) {
    return new FineTuneRequested(
        jobId,
        "default",
        new ContentRef("cura-tiny", SHA_A),
        List.of(new DatasetRef("file-train", "train", "cas:sha256/" + SHA_B, SHA_B)),
        new LoraConfig(16, 32.0, 0.05, null),
        new QuantConfig("nf4", true, 64),
        new OptimizerConfig("paged_adamw_32bit", 2e-4, null),
        new TrainingConfig(1, 4, 256, 42L, 10, null),
        "test-adapter");
  }

  public static CheckpointQuantized checkpointQuantized(String jobId) {
    return checkpointQuantized(fineTuneRequested(jobId), SHA_B, "cas:sha256/" + SHA_B);
  }

  /** {@code request}'s base quantized into the given artifact (4.127 bits/param, fresh). */
  public static CheckpointQuantized checkpointQuantized(
      FineTuneRequested request, String artifactDigest, String artifactUri) {
    return new CheckpointQuantized(
        request.jobId(),
        artifactDigest,
        artifactUri,
        4.127,
        new QuantErrorStats(0.01, 0.2, null),
        false,
        request);
  }

  public static AdapterTrained adapterTrained(String jobId) {
    FineTuneRequested r = fineTuneRequested(jobId);
    return new AdapterTrained(
        jobId,
        r.tenant(),
        r.adapterName(),
        SHA_A,
        "cas:sha256/" + SHA_A,
        Map.of("train_loss", 1.0),
        new Lineage(
            r.baseModel(),
            SHA_B,
            r.datasets(),
            r.lora(),
            r.quantization(),
            r.optimizer(),
            r.training(),
            "0.1.0-test"));
  }

  public static CancelRequested cancelRequested(String jobId) {
    return new CancelRequested(jobId, "test", null);
  }

  /** A valid event of every type for {@code jobId}: one on each event topic. */
  public static List<CuraEvent> onePerTopic(String jobId) {
    return List.of(
        fineTuneRequested(jobId),
        checkpointQuantized(jobId),
        new TrainingProgress(jobId, 1, 0.1, 2.0, 1e-4, 10.0, 1L, 10L, 5L),
        adapterTrained(jobId),
        new AdapterRegistered(jobId, "default", "test-adapter", 1, SHA_A),
        new JobFailed(jobId, JobFailed.Stage.TRAINING, JobFailed.Code.INTERNAL, "test"),
        cancelRequested(jobId));
  }
}
