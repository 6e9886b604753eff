package dev.cura.rest.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonMappingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Maps every failure to the JSON error shape: domain errors keep their status and code, framework
 * errors (unknown route, wrong method, bad JSON, too large) get a stable code, anything unexpected
 * is a 500 whose message carries an incident id that is also in the log — never a stack trace.
 */
public class ErrorMappers {
  private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

  @ServerExceptionMapper
  public Response api(ApiException e) {
    Response r = json(e.status(), ErrorBody.of(e.code(), e.getMessage(), e.param()));
    if (e.status() == 409) {
      // a conflict with the resource's state (e.g. job_finished) does not go away by itself: the
      // OpenAI SDKs retry 409s unless told not to
      r.getHeaders().putSingle("x-should-retry", "false");
    }
    return r;
  }

  @ServerExceptionMapper
  public Response json(JacksonException e) {
    String param = null;
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      var sb = new StringBuilder();
      for (var ref : m.getPath()) {
        if (ref.getFieldName() != null) {
          sb.append(sb.isEmpty() ? "" : ".").append(ref.getFieldName());
        } else if (ref.getIndex() >= 0) {
          sb.append('[').append(ref.getIndex()).append(']');
        }
      }
      param = sb.toString();
    }
    String msg = e.getOriginalMessage();
    int nl = msg == null ? -1 : msg.indexOf('\n');
    msg = nl < 0 ? msg : msg.substring(0, nl);
    return json(
        400,
        ErrorBody.of(
            "invalid_json",
            "request body is not valid JSON for this endpoint"
                + (param == null ? "" : " at '" + param + "'")
                + ": "
                + msg,
            param));
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      if (c instanceof JacksonException j) {
        return json(j); // Quarkus REST wraps body parse errors in a 400
      }
    }
    int status = e.getResponse().getStatus();
    String code =
        switch (status) {
          case 404 -> "not_found";
          case 405 -> "method_not_allowed";
          case 406 -> "not_acceptable";
          case 413 -> "request_too_large";
          case 415 -> "unsupported_media_type";
          case 401 -> "invalid_api_key";
          case 403 -> "forbidden";
          default -> status >= 500 ? "internal_error" : "invalid_request_error";
        };
    if (status >= 500) {
      return unexpected(e);
    }
    String message =
        e.getMessage() == null || e.getMessage().isBlank()
            ? Response.Status.fromStatusCode(status) + ""
            : e.getMessage();
    return json(status, ErrorBody.of(code, message, null));
  }

  @ServerExceptionMapper
  public Response illegalArgument(IllegalArgumentException e) {
    return json(400, ErrorBody.of("invalid_request_error", e.getMessage(), null));
  }

  @ServerExceptionMapper(priority = 10_000)
  public Response unexpected(Throwable e) {
    String incident = UUID.randomUUID().toString();
    LOG.errorf(e, "unexpected error, incident %s", incident);
    return json(
        500,
        ErrorBody.of(
            "internal_error",
            "the service failed on this request; incident " + incident + " is in its log",
            null));
  }

  private static Response json(int status, ErrorBody body) {
    return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
  }
}
