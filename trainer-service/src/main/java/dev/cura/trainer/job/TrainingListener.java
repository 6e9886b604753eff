package dev.cura.trainer.job;

import java.nio.file.Path;

/** What a {@link TrainingEngine} reports while it trains, and how it is told to stop. */
public interface TrainingListener {

  /**
   * The run reached training: model, data and optimizer state are loaded, the first step is next.
   */
  default void onTrainingStarted() throws Exception {}

  /** One optimizer step finished. */
  void onStep(StepStats stats);

  /**
   * A checkpoint (adapter + optimizer + data position + RNG) was written to {@code dir}.
   *
   * @param step optimizer steps done at the checkpoint
   * @param dir complete checkpoint directory; the listener may read and copy it, then the engine
   *     may delete it
   */
  void onCheckpoint(long step, Path dir) throws Exception;

  /** True when the run must end now (job cancelled, or the worker is stopping). */
  boolean shouldStop();

  /**
   * Asked when the run stops early: true when the engine should first checkpoint the steps done
   * since the last checkpoint (the worker is stopping or draining and the job will resume
   * elsewhere), false when they may be dropped (the job was cancelled).
   */
  default boolean checkpointBeforeStop() {
    return false;
  }
}
