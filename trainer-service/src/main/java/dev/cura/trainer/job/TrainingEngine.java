package dev.cura.trainer.job;

/**
 * The one call the trainer makes into a training engine: run (or resume) one QLoRA training run and
 * report steps and checkpoints on the way. The production implementation drives cura-engine ({@code
 * dev.cura.trainer.engine.CuraEngineTraining}); the job logic around it (idempotency, checkpoint
 * bookkeeping, events, metrics) depends only on this interface.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>{@link TrainingListener#onCheckpoint} is called after a checkpoint directory is complete;
 *       the engine does not touch the directory afterwards (the caller copies it to the store).
 *   <li>{@link TrainingListener#shouldStop} is polled at least once per optimizer step; when it
 *       returns true the engine returns within one step with {@link TrainingResult#stoppedEarly()}
 *       set, after writing a checkpoint of the steps done since the last one when {@link
 *       TrainingListener#checkpointBeforeStop} says so (a drained or stopping trainer loses no
 *       work).
 *   <li>With {@link TrainingPlan#resumeFrom()} set, training continues from that checkpoint exactly
 *       (same data position, optimizer state and RNG), so an interrupted and resumed run produces
 *       the same adapter as an uninterrupted one.
 *   <li>Bad input (unreadable data, a checkpoint that does not match the plan, invalid settings) is
 *       reported as {@link IllegalArgumentException} or {@link java.io.IOException} with a message
 *       for the job's owner.
 * </ul>
 */
public interface TrainingEngine {

  /**
   * Trains until the plan's end or until {@code listener.shouldStop()}.
   *
   * @return the adapter directory (PEFT layout) and final metrics; when stopped early, the result
   *     carries no adapter
   */
  TrainingResult train(TrainingPlan plan, TrainingListener listener) throws Exception;

  /**
   * Loads what every run needs before its first step and does not depend on the job (the native
   * libraries of the engine on {@code device}), so that the first job of this instance — often a
   * job taken over from a trainer that died — does not wait for it. Called once at start, off the
   * start-up path; a run that begins meanwhile waits for the same loading, nothing more.
   *
   * @param device {@code cpu} or {@code cuda}
   */
  default void warmUp(String device) throws Exception {}
}
