package dev.cura.trainer;

import dev.cura.trainer.engine.CuraEngineTraining;
import dev.cura.trainer.job.HoldingEngine;
import dev.cura.trainer.job.TrainingEngine;
import dev.cura.trainer.job.TrainingListener;
import dev.cura.trainer.job.TrainingPlan;
import dev.cura.trainer.job.TrainingResult;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

/**
 * The engine of the service tests: the real cura-engine behind a {@link HoldingEngine}, so a test
 * can hold a job mid-training until the worker tells it to stop.
 */
@Alternative
@Priority(1)
@Singleton
public class TestTrainingEngine implements TrainingEngine {
  final HoldingEngine engine = new HoldingEngine(new CuraEngineTraining());

  @Override
  public TrainingResult train(TrainingPlan plan, TrainingListener listener) throws Exception {
    return engine.train(plan, listener);
  }
}
