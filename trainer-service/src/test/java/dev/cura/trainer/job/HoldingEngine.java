package dev.cura.trainer.job;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * Wraps an engine so that a test can hold a job right after one of its steps until the worker tells
 * it to stop (cancel, stop, drain): a job that is certainly mid-training, with no timing involved.
 */
public final class HoldingEngine implements TrainingEngine {
  private final TrainingEngine delegate;
  private final Map<String, Hold> holds = new ConcurrentHashMap<>();

  /** Plans of every call, in order. */
  public final List<TrainingPlan> plans = new CopyOnWriteArrayList<>();

  private record Hold(long step, CountDownLatch reached) {}

  public HoldingEngine(TrainingEngine delegate) {
    this.delegate = delegate;
  }

  /**
   * Holds {@code jobId} once step {@code step} is done (progress published) until it should stop.
   *
   * @return counts down when the job is held
   */
  public CountDownLatch holdAfterStep(String jobId, long step) {
    var hold = new Hold(step, new CountDownLatch(1));
    holds.put(jobId, hold);
    return hold.reached();
  }

  /** Calls for {@code jobId}, in order. */
  public List<TrainingPlan> plansOf(String jobId) {
    return plans.stream().filter(p -> p.jobId().equals(jobId)).toList();
  }

  @Override
  public TrainingResult train(TrainingPlan plan, TrainingListener listener) throws Exception {
    plans.add(plan);
    return delegate.train(
        plan,
        new JobRunnerTest.Forwarding(listener) {
          @Override
          public void onStep(StepStats stats) {
            super.onStep(stats);
            Hold hold = holds.get(plan.jobId());
            if (hold != null && hold.step() == stats.step() && hold.reached().getCount() > 0) {
              hold.reached().countDown();
              while (!listener.shouldStop()) {
                try {
                  Thread.sleep(10);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
              }
            }
          }
        });
  }
}
