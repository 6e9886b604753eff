package dev.cura.engine.train;

import java.nio.file.Path;

/** Callbacks of a training run (the trainer-service turns them into events; the CLI into a bar). */
public interface TrainingListener {
  /**
   * Once the model, the data and the optimizer state are loaded (resumed where there was a
   * checkpoint), before the first step of this run.
   */
  default void onStart(long resumedStep, long totalSteps) {}

  /** After every optimizer step. */
  default void onStep(StepMetrics step) {}

  /** After a checkpoint was written (the directory holds adapter + optimizer + trainer state). */
  default void onCheckpoint(long step, Path dir) {}

  /** Polled between steps; true stops the run after writing a checkpoint. */
  default boolean isCancelled() {
    return false;
  }

  TrainingListener NONE = new TrainingListener() {};
}
