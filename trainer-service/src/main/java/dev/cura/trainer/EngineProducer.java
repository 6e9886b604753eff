package dev.cura.trainer;

import dev.cura.trainer.engine.CuraEngineTraining;
import dev.cura.trainer.job.TrainingEngine;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The training engine the trainer runs jobs with: cura-engine (tests may wrap it). */
@Dependent
public class EngineProducer {

  @Produces
  @Singleton
  @DefaultBean
  TrainingEngine engine() {
    return new CuraEngineTraining();
  }
}
