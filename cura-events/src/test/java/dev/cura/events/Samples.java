package dev.cura.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One fully populated instance of every event, for round trips. */
final class Samples {
  static final String JOB = "ftjob-0001";
  static final String SHA_A = "a".repeat(64);
  static final String SHA_B = "b".repeat(64);
  static final Instant TIME = Instant.parse("2026-11-29T12:00:00.123Z");

  private Samples() {}

  static FineTuneRequested fineTuneRequested() {
    return new FineTuneRequested(
        JOB,
        "default",
        new ContentRef("cura-tiny", SHA_A),
        List.of(
            new DatasetRef("file-train", "train", "cas:sha256/" + SHA_B, SHA_B),
            new DatasetRef("file-val", "validation", "cas:sha256/" + SHA_A, SHA_A)),
        new LoraConfig(16, 32.0, 0.05, List.of("q_proj", "v_proj"), true),
        new QuantConfig("nf4", true, 64),
        new OptimizerConfig("paged_adamw_32bit", 2e-4, 0.0),
        new TrainingConfig(3, 4, 256, 42L, 100, 50, 2, 0.03, 0.3, true, null),
        "youtube-replies");
  }

  static List<CuraEvent> all() {
    Lineage lineage =
        new Lineage(
            new ContentRef("cura-tiny", SHA_A),
            SHA_B,
            fineTuneRequested().datasets(),
            fineTuneRequested().lora(),
            fineTuneRequested().quantization(),
            fineTuneRequested().optimizer(),
            fineTuneRequested().training(),
            "0.1.0");
    return List.of(
        fineTuneRequested(),
        new CheckpointQuantized(
            JOB,
            SHA_B,
            "file:/tmp/store/sha256/" + SHA_B,
            4.127,
            new QuantErrorStats(0.01, 0.2, 0.015),
            false,
            fineTuneRequested()),
        new TrainingProgress(JOB, 10, 0.5, 1.25, 2e-4, 1234.5, 1L << 32, 100L, 90L),
        new CheckpointSaved(JOB, 50, SHA_A, "file:/tmp/ckpt"),
        new AdapterTrained(
            JOB,
            "default",
            "youtube-replies",
            SHA_A,
            "file:/tmp/adapter",
            Map.of("train_loss", 0.9, "eval_loss", 1.1),
            lineage),
        new AdapterRegistered(JOB, "default", "youtube-replies", 3, SHA_A),
        new CancelRequested(JOB, "user asked", "default"),
        new JobFailed(JOB, JobFailed.Stage.TRAINING, JobFailed.Code.USER_ERROR, "bad data"),
        new JobCancelled(JOB, JobFailed.Stage.TRAINING, 12L));
  }

  static EventEnvelope<CuraEvent> envelope(CuraEvent e) {
    return new EventEnvelope<>("evt-1", "/cura/test", TIME, e);
  }
}
