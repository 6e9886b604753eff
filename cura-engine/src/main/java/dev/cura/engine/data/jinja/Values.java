package dev.cura.engine.data.jinja;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Python semantics for template values. Values are {@code null} (None), {@link #UNDEFINED}, String,
 * Long, Double, Boolean, List, Map (insertion-ordered), {@link Namespace}, or {@link Callable}.
 */
final class Values {
  /** An undefined variable or missing attribute (renders as "", is falsy, iterates as empty). */
  static final Object UNDEFINED =
      new Object() {
        @Override
        public String toString() {
          return "Undefined";
        }
      };

  /** {@code namespace(...)}: attributes that may be set from inner scopes. */
  static final class Namespace extends LinkedHashMap<String, Object> {}

  /** A function value (globals, macros, bound methods). */
  @FunctionalInterface
  interface Callable {
    Object call(List<Object> args, Map<String, Object> kwargs);
  }

  private Values() {}

  static boolean truthy(Object v) {
    if (v == null || v == UNDEFINED) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s) {
      return !s.isEmpty();
    }
    if (v instanceof Long l) {
      return l != 0;
    }
    if (v instanceof Double d) {
      return d != 0;
    }
    if (v instanceof Collection<?> c) {
      return !c.isEmpty();
    }
    if (v instanceof Map<?, ?> m) {
      return !m.isEmpty();
    }
    return true;
  }

  /** Python's str(). */
  static String str(Object v) {
    if (v == UNDEFINED) {
      return "";
    }
    if (v instanceof String s) {
      return s;
    }
    return repr(v);
  }

  /** Python's repr() for the value types above. */
  static String repr(Object v) {
    if (v == null) {
      return "None";
    }
    if (v == UNDEFINED) {
      return "";
    }
    if (v instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (v instanceof Double d) {
      return pyFloat(d);
    }
    if (v instanceof String s) {
      String q = s.contains("'") && !s.contains("\"") ? "\"" : "'";
      StringBuilder b = new StringBuilder(q);
      for (char c : s.toCharArray()) {
        switch (c) {
          case '\\' -> b.append("\\\\");
          case '\n' -> b.append("\\n");
          case '\r' -> b.append("\\r");
          case '\t' -> b.append("\\t");
          default -> {
            if (String.valueOf(c).equals(q)) {
              b.append('\\');
            }
            b.append(c);
          }
        }
      }
      return b.append(q).toString();
    }
    if (v instanceof List<?> l) {
      List<String> parts = new ArrayList<>();
      l.forEach(x -> parts.add(repr(x)));
      return "[" + String.join(", ", parts) + "]";
    }
    if (v instanceof Namespace n) {
      return "<Namespace " + n + ">";
    }
    if (v instanceof Map<?, ?> m) {
      List<String> parts = new ArrayList<>();
      m.forEach((k, x) -> parts.add(repr(k) + ": " + repr(x)));
      return "{" + String.join(", ", parts) + "}";
    }
    return String.valueOf(v);
  }

  /** Python's float repr (shortest round-trip digits, always with a '.', inf/nan). */
  static String pyFloat(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e16) {
      return String.format("%.1f", d);
    }
    String s = Double.toString(d);
    if (s.contains("E")) {
      String[] p = s.split("E");
      int exp = Integer.parseInt(p[1]);
      String mant = p[0].endsWith(".0") ? p[0].substring(0, p[0].length() - 2) : p[0];
      return mant + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
    }
    return s;
  }

  static boolean isNumber(Object v) {
    return v instanceof Long || v instanceof Double || v instanceof Boolean;
  }

  static double toDouble(Object v) {
    if (v instanceof Boolean b) {
      return b ? 1 : 0;
    }
    return ((Number) v).doubleValue();
  }

  static long toLong(Object v) {
    if (v instanceof Boolean b) {
      return b ? 1 : 0;
    }
    return ((Number) v).longValue();
  }

  /** Python ==. */
  static boolean eq(Object a, Object b) {
    if (a == UNDEFINED || b == UNDEFINED) {
      return a == b;
    }
    if (a == null || b == null) {
      return a == b;
    }
    if (isNumber(a) && isNumber(b)) {
      return toDouble(a) == toDouble(b);
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!eq(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  /** Python ordering for numbers and strings. */
  static int compare(Object a, Object b) {
    if (isNumber(a) && isNumber(b)) {
      return Double.compare(toDouble(a), toDouble(b));
    }
    if (a instanceof String x && b instanceof String y) {
      return x.compareTo(y);
    }
    throw new TemplateException("'<' not supported between " + typeName(a) + " and " + typeName(b));
  }

  static String typeName(Object v) {
    if (v == null) {
      return "NoneType";
    }
    if (v == UNDEFINED) {
      return "Undefined";
    }
    return switch (v) {
      case String s -> "str";
      case Long l -> "int";
      case Double d -> "float";
      case Boolean b -> "bool";
      case List<?> l -> "list";
      case Map<?, ?> m -> "dict";
      default -> v.getClass().getSimpleName();
    };
  }

  /** Iterates like Python: lists, dict keys, string characters; undefined is empty. */
  static List<Object> iterate(Object v) {
    if (v == UNDEFINED) {
      return List.of();
    }
    if (v instanceof List<?> l) {
      return new ArrayList<>(l);
    }
    if (v instanceof Map<?, ?> m) {
      return new ArrayList<>(m.keySet());
    }
    if (v instanceof String s) {
      List<Object> out = new ArrayList<>();
      s.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
      return out;
    }
    throw new TemplateException("'" + typeName(v) + "' object is not iterable");
  }

  /** Converts JSON-like Java values (Integer, Float, arrays) into template values. */
  static Object wrap(Object v) {
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float f) {
      return f.doubleValue();
    }
    if (v instanceof Map<?, ?> m && !(v instanceof Namespace)) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), wrap(x)));
      return out;
    }
    if (v instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>();
      c.forEach(x -> out.add(wrap(x)));
      return out;
    }
    return v;
  }
}
