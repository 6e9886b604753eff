package dev.cura.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.List;

/**
 * Checks that a JSON tree has every required field of a record, recursively through nested records
 * and lists of records. A component is required unless it carries {@link OptionalField}; a required
 * field that is absent, JSON null or a blank string is missing. Unknown fields are not checked
 * (they are tolerated: producers may add fields).
 */
final class RequiredFields {
  private static final PropertyNamingStrategies.NamingBase SNAKE =
      (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

  /** A record component as the check needs it; worked out once per record class. */
  private record Field(String name, boolean optional, Type type, boolean nested) {}

  private static final ClassValue<List<Field>> FIELDS =
      new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
          var out = new java.util.ArrayList<Field>();
          for (RecordComponent c : type.getRecordComponents()) {
            Type t = c.getGenericType();
            boolean nested =
                (t instanceof Class<?> cls && cls.isRecord())
                    || (t instanceof ParameterizedType p
                        && p.getRawType() == List.class
                        && p.getActualTypeArguments()[0] instanceof Class<?> e
                        && e.isRecord());
            out.add(
                new Field(
                    SNAKE.translate(c.getName()),
                    c.isAnnotationPresent(OptionalField.class),
                    t,
                    nested));
          }
          return List.copyOf(out);
        }
      };

  private RequiredFields() {}

  /**
   * @param type record class the tree should bind to
   * @param node the JSON object
   * @param path JSON path of {@code node} ("" at the root), used in messages
   * @throws EventDecodingException MISSING_FIELD naming the first missing field's path
   */
  static void check(Class<?> type, JsonNode node, String path) {
    if (!node.isObject()) {
      throw new EventDecodingException(
          EventDecodingException.Reason.INVALID_FIELD,
          path.isEmpty() ? null : path,
          "expected a JSON object"
              + (path.isEmpty() ? "" : " for '" + path + "'")
              + ", got "
              + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    for (Field f : FIELDS.get(type)) {
      JsonNode value = node.get(f.name());
      boolean absent = value == null || value.isNull();
      if (absent || (value.isTextual() && value.asText().isBlank())) {
        if (f.optional()) {
          continue;
        }
        String fieldPath = path.isEmpty() ? f.name() : path + "." + f.name();
        throw new EventDecodingException(
            EventDecodingException.Reason.MISSING_FIELD,
            fieldPath,
            type.getSimpleName()
                + " requires field '"
                + fieldPath
                + "', got "
                + (value == null ? "nothing" : absent ? "null" : "a blank string"));
      }
      if (f.nested()) {
        checkNested(f.type(), value, path.isEmpty() ? f.name() : path + "." + f.name());
      }
    }
  }

  private static void checkNested(Type type, JsonNode value, String path) {
    if (type instanceof Class<?> cls && cls.isRecord()) {
      check(cls, value, path);
    } else if (type instanceof ParameterizedType p
        && p.getRawType() == List.class
        && p.getActualTypeArguments()[0] instanceof Class<?> element
        && element.isRecord()
        && value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        String elementPath = path + "[" + i + "]";
        if (value.get(i).isNull()) {
          throw new EventDecodingException(
              EventDecodingException.Reason.MISSING_FIELD,
              elementPath,
              "'" + elementPath + "' must be a " + element.getSimpleName() + ", got null");
        }
        check(element, value.get(i), elementPath);
      }
    }
  }
}
