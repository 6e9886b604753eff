package dev.cura.trainer;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready once drained ({@code POST /v1/trainer/drain}): the instance is going away. */
@Readiness
@ApplicationScoped
public class TrainerReadiness implements HealthCheck {
  private final TrainerLifecycle trainer;

  TrainerReadiness(TrainerLifecycle trainer) {
    this.trainer = trainer;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("trainer")
        .status(!trainer.worker().drained())
        .withData("drained", trainer.worker().drained())
        .build();
  }
}
