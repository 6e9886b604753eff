package dev.cura.trainer;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * {@code POST /v1/trainer/drain}: called by the pod's preStop hook before SIGTERM
 * (docs/deployment.md). Running jobs write a checkpoint and stop within a step, every job this
 * instance holds is handed back un-acked (the next trainer resumes it from that checkpoint), and no
 * new job starts here. Answers when that is done.
 */
@Path("/v1/trainer/drain")
public class TrainerDrainResource {
  private static final Logger LOG = Logger.getLogger(TrainerDrainResource.class);

  /** The jobs handed back. */
  public record Drained(@JsonProperty("handed_back") List<String> handedBack) {}

  private final TrainerLifecycle trainer;
  private final TrainerConfig config;

  TrainerDrainResource(TrainerLifecycle trainer, TrainerConfig config) {
    this.trainer = trainer;
    this.config = config;
  }

  @POST
  @Produces(MediaType.APPLICATION_JSON)
  public Drained drain() {
    List<String> jobs = trainer.worker().drain(config.stopGrace());
    LOG.infof("drained: handed back %s", jobs);
    return new Drained(jobs);
  }
}
