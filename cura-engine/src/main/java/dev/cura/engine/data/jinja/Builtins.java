package dev.cura.engine.data.jinja;

import static dev.cura.engine.data.jinja.Values.UNDEFINED;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Jinja2's operators, attribute access, filters and tests, with Python's semantics. */
final class Builtins {
  private Builtins() {}

  static Object getAttr(Object obj, String name, String what) {
    if (obj == UNDEFINED) {
      throw new TemplateException(what + " is undefined");
    }
    if (obj instanceof Map<?, ?> m) {
      if (m.containsKey(name)) {
        return m.get(name);
      }
      return obj instanceof Values.Namespace ? UNDEFINED : Methods.dictMethod(m, name);
    }
    if (obj instanceof String s) {
      return Methods.strMethod(s, name);
    }
    if (obj instanceof List<?> l) {
      return Methods.listMethod(l, name);
    }
    return UNDEFINED;
  }

  static Object getItem(Object obj, Object key, String what) {
    if (obj == UNDEFINED) {
      throw new TemplateException(what + " is undefined");
    }
    if (obj instanceof List<?> l && key instanceof Long i) {
      int idx = (int) (i < 0 ? l.size() + i : i);
      return idx >= 0 && idx < l.size() ? l.get(idx) : UNDEFINED;
    }
    if (obj instanceof String s && key instanceof Long i) {
      int idx = (int) (i < 0 ? s.length() + i : i);
      return idx >= 0 && idx < s.length() ? String.valueOf(s.charAt(idx)) : UNDEFINED;
    }
    if (obj instanceof Map<?, ?> m) {
      Object k = key instanceof String ? key : Values.str(key);
      return m.containsKey(k) ? m.get(k) : UNDEFINED;
    }
    if (key instanceof String name) {
      return getAttr(obj, name, what);
    }
    return UNDEFINED;
  }

  /** Python slicing of lists and strings. */
  static Object slice(Object obj, Object start, Object stop, Object step) {
    List<Object> items;
    boolean string = obj instanceof String;
    if (string) {
      items = Values.iterate(obj);
    } else if (obj instanceof List<?> l) {
      items = new ArrayList<>(l);
    } else {
      throw new TemplateException("cannot slice " + Values.typeName(obj));
    }
    int n = items.size();
    long st = step == null ? 1 : Values.toLong(step);
    if (st == 0) {
      throw new TemplateException("slice step cannot be zero");
    }
    long lo, hi;
    if (st > 0) {
      lo = bound(start, 0, n, false);
      hi = bound(stop, n, n, false);
    } else {
      lo = bound(start, n - 1, n, true);
      hi = stop == null ? -1 : bound(stop, -1, n, true);
    }
    List<Object> out = new ArrayList<>();
    for (long i = lo; st > 0 ? i < hi : i > hi; i += st) {
      out.add(items.get((int) i));
    }
    if (string) {
      StringBuilder b = new StringBuilder();
      out.forEach(b::append);
      return b.toString();
    }
    return out;
  }

  private static long bound(Object v, long fallback, int n, boolean reverse) {
    if (v == null) {
      return fallback;
    }
    long i = Values.toLong(v);
    if (i < 0) {
      i += n;
    }
    if (reverse) {
      return Math.max(-1, Math.min(i, n - 1));
    }
    return Math.max(0, Math.min(i, n));
  }

  static boolean compare(String op, Object a, Object b) {
    return switch (op) {
      case "==" -> Values.eq(a, b);
      case "!=" -> !Values.eq(a, b);
      case "<" -> Values.compare(a, b) < 0;
      case ">" -> Values.compare(a, b) > 0;
      case "<=" -> Values.compare(a, b) <= 0;
      case ">=" -> Values.compare(a, b) >= 0;
      case "in" -> contains(b, a);
      case "not in" -> !contains(b, a);
      default -> throw new TemplateException("unknown operator " + op);
    };
  }

  static boolean contains(Object container, Object item) {
    if (container instanceof String s) {
      if (!(item instanceof String x)) {
        throw new TemplateException("'in <string>' requires string as left operand");
      }
      return s.contains(x);
    }
    if (container instanceof Map<?, ?> m) {
      return m.containsKey(item);
    }
    if (container instanceof Collection<?> c) {
      for (Object o : c) {
        if (Values.eq(o, item)) {
          return true;
        }
      }
      return false;
    }
    if (container == UNDEFINED) {
      return false;
    }
    throw new TemplateException(
        "argument of type '" + Values.typeName(container) + "' is not iterable");
  }

  static Object arithmetic(String op, Object a, Object b) {
    if (op.equals("~")) {
      return Values.str(a) + Values.str(b);
    }
    if (op.equals("+")) {
      if (a instanceof String x && b instanceof String y) {
        return x + y;
      }
      if (a instanceof List<?> x && b instanceof List<?> y) {
        List<Object> out = new ArrayList<>(x);
        out.addAll(y);
        return out;
      }
    }
    if (op.equals("*") && a instanceof String s && b instanceof Long k) {
      return s.repeat((int) Math.max(0, k));
    }
    if (op.equals("%") && a instanceof String s) {
      return Methods.percentFormat(s, b);
    }
    if (!Values.isNumber(a) || !Values.isNumber(b)) {
      throw new TemplateException(
          "unsupported operand type(s) for "
              + op
              + ": '"
              + Values.typeName(a)
              + "' and '"
              + Values.typeName(b)
              + "'");
    }
    boolean ints = !(a instanceof Double) && !(b instanceof Double);
    double x = Values.toDouble(a), y = Values.toDouble(b);
    return switch (op) {
      case "+" -> ints ? (Object) (Values.toLong(a) + Values.toLong(b)) : x + y;
      case "-" -> ints ? (Object) (Values.toLong(a) - Values.toLong(b)) : x - y;
      case "*" -> ints ? (Object) (Values.toLong(a) * Values.toLong(b)) : x * y;
      case "/" -> x / y;
      case "//" ->
          ints ? (Object) Math.floorDiv(Values.toLong(a), Values.toLong(b)) : Math.floor(x / y);
      case "%" ->
          ints
              ? (Object) Math.floorMod(Values.toLong(a), Values.toLong(b))
              : x - Math.floor(x / y) * y;
      case "**" -> ints && y >= 0 ? (Object) (long) Math.pow(x, y) : Math.pow(x, y);
      default -> throw new TemplateException("unknown operator " + op);
    };
  }

  static Object filter(
      Interpreter in, String name, Object v, List<Object> args, Map<String, Object> kw) {
    return Filters.apply(in, name, v, args, kw);
  }

  static boolean test(Interpreter in, String name, Object v, List<Object> args) {
    Object arg = args.isEmpty() ? null : args.get(0);
    return switch (name) {
      case "defined" -> v != UNDEFINED;
      case "undefined" -> v == UNDEFINED;
      case "none" -> v == null;
      case "string" -> v instanceof String;
      case "number" -> v instanceof Long || v instanceof Double;
      case "integer" -> v instanceof Long;
      case "float" -> v instanceof Double;
      case "boolean" -> v instanceof Boolean;
      case "true" -> Boolean.TRUE.equals(v);
      case "false" -> Boolean.FALSE.equals(v);
      case "mapping" -> v instanceof Map<?, ?>;
      case "iterable" ->
          v instanceof String || v instanceof Collection<?> || v instanceof Map<?, ?>;
      case "sequence" -> v instanceof String || v instanceof List<?> || v instanceof Map<?, ?>;
      case "callable" -> v instanceof Values.Callable;
      case "odd" -> Values.toLong(v) % 2 != 0;
      case "even" -> Values.toLong(v) % 2 == 0;
      case "divisibleby" -> Values.toLong(v) % Values.toLong(arg) == 0;
      case "equalto", "eq", "==" -> Values.eq(v, arg);
      case "ne", "!=" -> !Values.eq(v, arg);
      case "lt", "lessthan", "<" -> Values.compare(v, arg) < 0;
      case "le", "<=" -> Values.compare(v, arg) <= 0;
      case "gt", "greaterthan", ">" -> Values.compare(v, arg) > 0;
      case "ge", ">=" -> Values.compare(v, arg) >= 0;
      case "in" -> contains(arg, v);
      case "sameas" ->
          v == arg || (v != null && Values.eq(v, arg) && v.getClass() == arg.getClass());
      case "lower" -> v instanceof String s && s.equals(s.toLowerCase());
      case "upper" -> v instanceof String s && s.equals(s.toUpperCase());
      default -> throw new TemplateException("no test named '" + name + "'");
    };
  }

  /** Distinct values in first-seen order (the unique filter). */
  static List<Object> unique(List<Object> items) {
    return new ArrayList<>(new LinkedHashSet<>(items));
  }

  /** {@code dict(a=1)} / {@code dict(pairs)}. */
  static Map<String, Object> dict(List<Object> args, Map<String, Object> kw) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (!args.isEmpty() && args.get(0) instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(String.valueOf(k), v));
    }
    out.putAll(kw);
    return out;
  }
}
