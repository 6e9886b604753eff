package dev.cura.engine.data.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Python's {@code json.dumps(x, ensure_ascii=False, indent=indent, sort_keys=...)} as transformers'
 * tojson filter calls it: separators ", " and ": " (", " becomes "," with an indent), non-ASCII
 * kept, control characters escaped as \\uXXXX.
 */
final class Json {
  private Json() {}

  static String dumps(Object v, Object indent, boolean sortKeys) {
    String pad = null;
    if (indent instanceof Long n) {
      pad = " ".repeat((int) (long) n);
    } else if (indent instanceof String s) {
      pad = s;
    }
    StringBuilder b = new StringBuilder();
    write(b, v, pad, 0, sortKeys);
    return b.toString();
  }

  private static void write(StringBuilder b, Object v, String pad, int depth, boolean sort) {
    if (v == null || v == Values.UNDEFINED) {
      b.append("null");
    } else if (v instanceof Boolean x) {
      b.append(x ? "true" : "false");
    } else if (v instanceof Long x) {
      b.append(x);
    } else if (v instanceof Double d) {
      b.append(
          Double.isNaN(d)
              ? "NaN"
              : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity") : Values.pyFloat(d));
    } else if (v instanceof String s) {
      string(b, s);
    } else if (v instanceof Map<?, ?> m) {
      Map<?, ?> entries = sort ? new TreeMap<>(m) : m;
      List<Map.Entry<?, ?>> list = new ArrayList<>(entries.entrySet());
      container(
          b,
          '{',
          '}',
          list.size(),
          pad,
          depth,
          i -> {
            string(b, String.valueOf(list.get(i).getKey()));
            b.append(": ");
            write(b, list.get(i).getValue(), pad, depth + 1, sort);
          });
    } else if (v instanceof List<?> l) {
      container(b, '[', ']', l.size(), pad, depth, i -> write(b, l.get(i), pad, depth + 1, sort));
    } else {
      throw new TemplateException(
          "Object of type " + Values.typeName(v) + " is not JSON serializable");
    }
  }

  private static void container(
      StringBuilder b,
      char open,
      char close,
      int n,
      String pad,
      int depth,
      java.util.function.IntConsumer item) {
    b.append(open);
    if (n == 0) {
      b.append(close);
      return;
    }
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        b.append(pad == null ? ", " : ",");
      }
      if (pad != null) {
        b.append('\n').append(pad.repeat(depth + 1));
      }
      item.accept(i);
    }
    if (pad != null) {
      b.append('\n').append(pad.repeat(depth));
    }
    b.append(close);
  }

  private static void string(StringBuilder b, String s) {
    b.append('"');
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
