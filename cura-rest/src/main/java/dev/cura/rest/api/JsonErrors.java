package dev.cura.rest.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns a JSON parse or binding failure into a 400 that names the field ({@code a.b[2].c}) and says
 * what was expected — in the API's words, never Jackson's Java type names.
 */
final class JsonErrors {
  private JsonErrors() {}

  static ApiException toApi(JacksonException e) {
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      if (c instanceof ApiException a) {
        return a; // thrown by our own stream or deserializer while Jackson read
      }
    }
    String param = e instanceof JsonMappingException m ? path(m) : null;
    String at = param == null ? "" : " at '" + param + "'";
    String message;
    if (e instanceof StrictJson.BadTextException) {
      message =
          (param == null ? "a string" : "'" + param + "'")
              + " contains "
              + e.getOriginalMessage()
              + "; control characters are not allowed";
    } else if (e instanceof UnrecognizedPropertyException u) {
      message =
          "unknown field '"
              + u.getPropertyName()
              + "'"
              + at
              + "; known fields: "
              + names(u.getKnownPropertyIds());
    } else if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      message = "expected " + describe(m.getTargetType()) + at;
    } else if (e instanceof StreamConstraintsException) {
      message = "request body exceeds a JSON limit" + at + ": " + ErrorMappers.firstLine(e);
    } else if (e instanceof JsonMappingException) {
      message = "request body does not fit this endpoint" + at;
    } else {
      message = "request body is not valid JSON" + at + ": " + ErrorMappers.firstLine(e);
    }
    return ApiException.badRequest("invalid_json", message, param);
  }

  private static String path(JsonMappingException m) {
    var sb = new StringBuilder();
    for (var ref : m.getPath()) {
      if (ref.getFieldName() != null) {
        sb.append(sb.isEmpty() ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.isEmpty() ? null : sb.toString();
  }

  private static String names(Collection<Object> known) {
    var sorted = new TreeSet<String>();
    known.forEach(k -> sorted.add(String.valueOf(k)));
    return String.join(", ", sorted);
  }

  /** What a Java target type means to a JSON client. */
  static String describe(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "an integer";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
      return "a number";
    }
    if (type == String.class || type.isEnum()) {
      return "a string";
    }
    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      return "an array";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "a JSON object";
    }
    return "a value of another type";
  }
}
