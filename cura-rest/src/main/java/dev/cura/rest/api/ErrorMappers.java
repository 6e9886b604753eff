package dev.cura.rest.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Maps every failure inside the REST layer to the {@link ErrorBody} shape: domain errors keep their
 * status and code, framework errors (unknown route, wrong method, bad JSON, wrong types) get a
 * stable code, anything unexpected is a 500 whose message carries an incident id that is also in
 * the log — never a stack trace. Failures before the REST layer (Vert.x) are rendered by {@link
 * RequestGuard} in the same shape.
 */
public class ErrorMappers {
  private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

  @ServerExceptionMapper
  public Response api(ApiException e) {
    return response(e);
  }

  @ServerExceptionMapper
  public Response json(JacksonException e) {
    return response(JsonErrors.toApi(e));
  }

  /** More specific than Quarkus REST's built-in mapper of this type, which has another shape. */
  @ServerExceptionMapper
  public Response mismatchedJson(MismatchedInputException e) {
    return response(JsonErrors.toApi(e));
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      if (c instanceof JacksonException j) {
        return json(j); // Quarkus REST wraps body parse errors in a 400
      }
      if (c instanceof ApiException a) {
        return response(a); // e.g. the body limit, thrown while the entity stream was read
      }
    }
    int status = e.getResponse().getStatus();
    if (status >= 500) {
      return unexpected(e);
    }
    if (e instanceof NotFoundException && e.getCause() != null) {
      // JAX-RS answers 404 when a path or query parameter does not convert to its Java type
      return response(
          ApiException.invalid(
              null, "a path or query parameter has the wrong type: " + firstLine(e.getCause())));
    }
    String code =
        switch (status) {
          case 404 -> "not_found";
          case 405 -> "method_not_allowed";
          case 406 -> "not_acceptable";
          case 413 -> "request_too_large";
          case 415 -> "unsupported_media_type";
          case 401 -> "invalid_api_key";
          case 403 -> "forbidden";
          default -> "invalid_request_error";
        };
    String message =
        e.getMessage() == null || e.getMessage().isBlank()
            ? Response.Status.fromStatusCode(status) + ""
            : e.getMessage();
    return response(new ApiException(status, code, message, null));
  }

  @ServerExceptionMapper
  public Response illegalArgument(IllegalArgumentException e) {
    return response(ApiException.invalid(null, e.getMessage()));
  }

  @ServerExceptionMapper(priority = 10_000)
  public Response unexpected(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof ApiException a) {
        return response(a); // wrapped by a framework layer on its way out
      }
    }
    String incident = UUID.randomUUID().toString();
    LOG.errorf(e, "unexpected error, incident %s", incident);
    return response(
        new ApiException(
            500,
            "internal_error",
            "the service failed on this request; incident " + incident + " is in its log",
            null));
  }

  /** The JAX-RS response for an error: status, the error shape and its extra headers. */
  public static Response response(ApiException e) {
    Response.ResponseBuilder r =
        Response.status(e.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(e.body());
    e.headers().forEach(r::header);
    if (e.status() == 409 && !e.headers().containsKey("x-should-retry")) {
      // a conflict with the resource's state (e.g. job_finished) does not go away by itself: the
      // OpenAI SDKs retry 409s unless told not to
      r.header("x-should-retry", "false");
    }
    return r.build();
  }

  static String firstLine(Throwable e) {
    String msg =
        e instanceof JacksonException j && j.getOriginalMessage() != null
            ? j.getOriginalMessage()
            : String.valueOf(e.getMessage());
    int nl = msg.indexOf('\n');
    return nl < 0 ? msg : msg.substring(0, nl);
  }
}
