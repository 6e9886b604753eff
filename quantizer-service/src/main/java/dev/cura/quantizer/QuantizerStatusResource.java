package dev.cura.quantizer;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** Read-only status of this quantizer instance (DESIGN §3: quantizer 8081). */
@Path("/v1/quantizer/status")
public class QuantizerStatusResource {
  @Inject QuantizationJobs jobs;

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Map<String, Object> status() {
    return Map.of("in_flight", jobs.inFlight(), "quantizations_run", jobs.quantizationsRun());
  }
}
