package dev.cura.trainer;

import dev.cura.trainer.job.TrainingEngine;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The training engine the trainer runs jobs with (replaceable in tests with an alternative). */
@Dependent
public class EngineProducer {

  @Produces
  @Singleton
  @DefaultBean
  TrainingEngine engine() {
    return (plan, listener) -> {
      throw new UnsupportedOperationException(
          "this build has no training engine (cura-engine's training loop is not wired yet)");
    };
  }
}
