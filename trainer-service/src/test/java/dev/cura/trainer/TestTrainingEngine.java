package dev.cura.trainer;

import dev.cura.trainer.job.ScriptedEngine;
import dev.cura.trainer.job.StepStats;
import dev.cura.trainer.job.TrainingEngine;
import dev.cura.trainer.job.TrainingListener;
import dev.cura.trainer.job.TrainingPlan;
import dev.cura.trainer.job.TrainingResult;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * The engine of the service tests: the job's training goes to {@link #delegate}, and a test can
 * hold a job right after one of its checkpoints until the worker tells it to stop (cancel, worker
 * stop) — a job that is certainly mid-training, with no timing involved.
 */
@Alternative
@Priority(1)
@Singleton
public class TestTrainingEngine implements TrainingEngine {
  private final TrainingEngine delegate = new ScriptedEngine();
  private final Map<String, Hold> holds = new ConcurrentHashMap<>();

  /** Plans of every call, in order. */
  final List<TrainingPlan> plans = new CopyOnWriteArrayList<>();

  private record Hold(long step, CountDownLatch reached) {}

  /**
   * Holds {@code jobId} after its checkpoint at {@code step} until it should stop.
   *
   * @return counts down when the job is held
   */
  CountDownLatch holdAfterCheckpoint(String jobId, long step) {
    var hold = new Hold(step, new CountDownLatch(1));
    holds.put(jobId, hold);
    return hold.reached();
  }

  /** Calls for {@code jobId}. */
  List<TrainingPlan> plansOf(String jobId) {
    return plans.stream().filter(p -> p.jobId().equals(jobId)).toList();
  }

  @Override
  public TrainingResult train(TrainingPlan plan, TrainingListener listener) throws Exception {
    plans.add(plan);
    return delegate.train(
        plan,
        new TrainingListener() {
          @Override
          public void onStep(StepStats stats) {
            listener.onStep(stats);
          }

          @Override
          public void onCheckpoint(long step, Path dir) throws Exception {
            listener.onCheckpoint(step, dir);
            Hold hold = holds.get(plan.jobId());
            if (hold != null && hold.step() == step && hold.reached().getCount() > 0) {
              hold.reached().countDown();
              while (!listener.shouldStop()) {
                Thread.sleep(10);
              }
            }
          }

          @Override
          public boolean shouldStop() {
            return listener.shouldStop();
          }
        });
  }
}
