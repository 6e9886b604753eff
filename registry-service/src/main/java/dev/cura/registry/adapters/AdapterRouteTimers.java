package dev.cura.registry.adapters;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * Registers at start-up the HTTP server timer ({@code http_server_requests_seconds}) of each route
 * of {@link AdaptersResource}, so that the dashboard's registry latency panels, which read {@code
 * uri=~"/v1/adapters.*"}, have their series before the first request (Quarkus creates the timer of
 * a route only when a request first ends on it).
 *
 * <p>Each timer carries exactly the tags Quarkus' HTTP binder gives a successful request on that
 * route ({@code method}, {@code uri} = the route template, {@code status=200}, {@code
 * outcome=SUCCESS}), so the first such request increments this very series instead of creating a
 * second one: the count starts at 0 and no sample is invented. Other statuses (304, 404, …) still
 * appear on first use, as the panels' {@code sum}/{@code max} do not need them.
 */
@Startup
@ApplicationScoped
public class AdapterRouteTimers {
  /** Quarkus' {@code quarkus.micrometer.binder.http-server} timer name and description. */
  static final String NAME = "http.server.requests";

  static final String DESCRIPTION = "HTTP server request processing time";

  AdapterRouteTimers(MeterRegistry meters) {
    for (Route r : routes(AdaptersResource.class)) {
      Timer.builder(NAME)
          .description(DESCRIPTION)
          .tag("method", r.method())
          .tag("uri", r.uri())
          .tag("status", "200")
          .tag("outcome", "SUCCESS")
          .register(meters);
    }
  }

  /** One JAX-RS route: its HTTP method and its URI template as Quarkus reports it. */
  record Route(String method, String uri) {}

  /** The routes a JAX-RS resource class declares (class {@code @Path} + method {@code @Path}). */
  static List<Route> routes(Class<?> resource) {
    String base = template(resource.getAnnotation(Path.class));
    var routes = new ArrayList<Route>();
    for (Method m : resource.getDeclaredMethods()) {
      for (Annotation a : m.getAnnotations()) {
        HttpMethod verb = a.annotationType().getAnnotation(HttpMethod.class);
        if (verb != null) {
          String uri = base + template(m.getAnnotation(Path.class));
          routes.add(new Route(verb.value(), uri.isEmpty() ? "/" : uri));
        }
      }
    }
    if (routes.isEmpty()) {
      throw new IllegalStateException(resource.getName() + " declares no JAX-RS route");
    }
    return routes;
  }

  private static String template(Path path) {
    if (path == null) {
      return "";
    }
    String p = path.value();
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p.isEmpty() || p.startsWith("/") ? p : "/" + p;
  }
}
