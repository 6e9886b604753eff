package dev.cura.trainer;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Read-only status of this trainer instance: counts only. The trainer serves every tenant, so which
 * jobs it holds (their ids) and where it keeps them (paths) are not shown here; they are in its log
 * and its metrics' closed tag sets.
 */
@Path("/v1/trainer/status")
public class TrainerStatusResource {
  /** What a trainer instance is doing. */
  public record Status(
      String device,
      int slots,
      @JsonProperty("active_jobs") int activeJobs,
      @JsonProperty("held_jobs") int heldJobs,
      boolean drained) {}

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
        trainer.worker().jobs().size(),
        trainer.worker().drained());
  }
}
