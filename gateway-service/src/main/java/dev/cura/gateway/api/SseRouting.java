package dev.cura.gateway.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * {@code GET /v1/fine_tuning/jobs/{id}/events} answers JSON by default and a live stream when the
 * client asks for {@code Accept: text/event-stream}. Content negotiation alone would pick the
 * stream for {@code Accept: *}{@code /*}, so requests that name the stream explicitly are routed to
 * {@code …/events/stream} before matching.
 */
public class SseRouting {
  private static final Pattern EVENTS = Pattern.compile("/v1/fine_tuning/jobs/[^/]+/events/?");

  @ServerRequestFilter(preMatching = true)
  public void route(ContainerRequestContext request) {
    String accept = request.getHeaderString(HttpHeaders.ACCEPT);
    if (accept == null || !accept.contains("text/event-stream")) {
      return;
    }
    String path = request.getUriInfo().getPath();
    if (request.getMethod().equals("GET") && EVENTS.matcher(path).matches()) {
      String target = path.endsWith("/") ? path + "stream" : path + "/stream";
      request.setRequestUri(
          request.getUriInfo().getRequestUriBuilder().replacePath(target).build());
    }
  }
}
