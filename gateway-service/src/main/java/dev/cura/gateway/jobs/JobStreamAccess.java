package dev.cura.gateway.jobs;

import dev.cura.rest.api.ApiException;
import dev.cura.rest.api.ErrorMappers;
import dev.cura.rest.auth.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A live stream sends its 200 and headers before the first event, so whether the job is the
 * caller's is checked here, before the resource runs: another tenant's job, or none, is a plain 404
 * in the error shape (after authentication, which runs first).
 */
public class JobStreamAccess {
  private static final Pattern STREAM =
      Pattern.compile("/v1/fine_tuning/jobs/([^/]+)/events/stream/?");

  private final Caller caller;

  JobStreamAccess(Caller caller) {
    this.caller = caller;
  }

  @ServerRequestFilter(priority = Priorities.USER)
  public Uni<Response> ownedJob(ContainerRequestContext request) {
    Matcher m = STREAM.matcher(request.getUriInfo().getPath());
    if (!m.matches() || !request.getMethod().equals("GET")) {
      return Uni.createFrom().nullItem();
    }
    String id = request.getUriInfo().getPathParameters().getFirst("id");
    String jobId = id != null ? id : m.group(1);
    String tenant = caller.tenant();
    return Panache.withSession(() -> Job.<Job>findById(jobId))
        .map(
            job ->
                job == null || !job.tenant.equals(tenant)
                    ? ErrorMappers.response(ApiException.notFound("fine-tuning job", jobId))
                    : null);
  }
}
