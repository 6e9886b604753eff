package dev.cura.trainer;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cura.trainer.job.TrainingWorker;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** Read-only status of this trainer instance. */
@Path("/v1/trainer/status")
public class TrainerStatusResource {
  /** What a trainer instance is doing. */
  public record Status(
      String device,
      int slots,
      @JsonProperty("active_jobs") int activeJobs,
      List<TrainingWorker.HeldJob> jobs) {}

  private final TrainerLifecycle trainer;

  TrainerStatusResource(TrainerLifecycle trainer) {
    this.trainer = trainer;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Status status() {
    return new Status(
        trainer.settings().device(),
        trainer.slots(),
        trainer.worker().activeJobs(),
        trainer.worker().jobs());
  }
}
