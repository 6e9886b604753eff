package dev.cura.trainer;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * {@code POST /v1/trainer/drain}: called by the pod's preStop hook before SIGTERM
 * (docs/deployment.md). Running jobs write a checkpoint and stop within a step, every job this
 * instance holds is handed back un-acked (the next trainer resumes it from that checkpoint), no new
 * job starts here, and readiness turns DOWN. Answers when that is done.
 *
 * <p>Only the pod itself may drain it: the call must come from a loopback address (the preStop hook
 * runs inside the container) or carry {@code Authorization: Bearer <cura.trainer.drain-token>} when
 * a token is configured; anything else is a 403.
 */
@Path("/v1/trainer/drain")
public class TrainerDrainResource {
  private static final Logger LOG = Logger.getLogger(TrainerDrainResource.class);

  /** The jobs handed back. */
  public record Drained(@JsonProperty("handed_back") List<String> handedBack) {}

  private final TrainerLifecycle trainer;
  private final TrainerConfig config;
  private final Optional<String> token;

  TrainerDrainResource(TrainerLifecycle trainer, TrainerConfig config) {
    this.trainer = trainer;
    this.config = config;
    this.token = config.drainToken().filter(t -> !t.isBlank());
  }

  @POST
  @Produces(MediaType.APPLICATION_JSON)
  public Response drain(@Context HttpServerRequest http, @Context HttpHeaders headers) {
    if (!loopback(http) && !tokenMatches(headers.getHeaderString(HttpHeaders.AUTHORIZATION))) {
      LOG.warnf("drain refused for %s", http.remoteAddress());
      return Response.status(403)
          .type(MediaType.APPLICATION_JSON_TYPE)
          .entity(
              Map.of(
                  "error",
                  new java.util.LinkedHashMap<String, Object>(
                      Map.of(
                          "message",
                          "draining is only allowed from the pod itself (loopback) or with the"
                              + " drain token",
                          "type",
                          "permission_error",
                          "code",
                          "forbidden"))))
          .build();
    }
    List<String> jobs = trainer.worker().drain(config.stopGrace());
    LOG.infof("drained: handed back %s", jobs);
    return Response.ok(new Drained(jobs)).build();
  }

  /** A direct connection from this host (not one relayed by a local proxy). */
  static boolean loopback(HttpServerRequest http) {
    if (http.remoteAddress() == null || http.getHeader("X-Forwarded-For") != null) {
      return false;
    }
    String host = http.remoteAddress().host();
    try {
      // an IP literal: no name lookup happens
      return host != null
          && host.matches("[0-9a-fA-F:.]+")
          && InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private boolean tokenMatches(String authorization) {
    if (token.isEmpty() || authorization == null || !authorization.startsWith("Bearer ")) {
      return false;
    }
    return MessageDigest.isEqual(
        authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8),
        token.get().getBytes(StandardCharsets.UTF_8));
  }
}
