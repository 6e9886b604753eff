package dev.cura.engine.data.jinja;

import static dev.cura.engine.data.jinja.Values.UNDEFINED;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Jinja2's built-in filters used by chat templates; {@code tojson} is transformers' json.dumps. */
final class Filters {
  private Filters() {}

  static Object apply(
      Interpreter in, String name, Object v, List<Object> args, Map<String, Object> kw) {
    Object a0 = args.isEmpty() ? null : args.get(0);
    return switch (name) {
      case "trim" -> Methods.strip(Values.str(v), a0 == null ? null : Values.str(a0), true, true);
      case "length", "count" -> (long) length(v);
      case "list" -> Values.iterate(v);
      case "string" -> Values.str(v);
      case "lower" -> Values.str(v).toLowerCase();
      case "upper" -> Values.str(v).toUpperCase();
      case "title" -> title(Values.str(v));
      case "capitalize" -> capitalize(Values.str(v));
      case "safe", "e", "escape", "forceescape" -> name.equals("safe") ? v : escape(Values.str(v));
      case "replace" -> Values.str(v).replace(Values.str(a0), Values.str(args.get(1)));
      case "first" -> {
        List<Object> l = Values.iterate(v);
        yield l.isEmpty() ? UNDEFINED : l.get(0);
      }
      case "last" -> {
        List<Object> l = Values.iterate(v);
        yield l.isEmpty() ? UNDEFINED : l.get(l.size() - 1);
      }
      case "reverse" -> {
        if (v instanceof String s) {
          yield new StringBuilder(s).reverse().toString();
        }
        List<Object> l = Values.iterate(v);
        java.util.Collections.reverse(l);
        yield l;
      }
      case "join" -> {
        List<String> parts = new ArrayList<>();
        String attr = kw.containsKey("attribute") ? Values.str(kw.get("attribute")) : null;
        for (Object x : Values.iterate(v)) {
          parts.add(Values.str(attr == null ? x : Builtins.getItem(x, attr, "item")));
        }
        yield String.join(
            a0 == null ? (kw.containsKey("d") ? Values.str(kw.get("d")) : "") : Values.str(a0),
            parts);
      }
      case "default", "d" -> {
        boolean onFalse =
            args.size() > 1 && Values.truthy(args.get(1)) || Values.truthy(kw.get("boolean"));
        yield v == UNDEFINED || (onFalse && !Values.truthy(v)) ? (a0 == null ? "" : a0) : v;
      }
      case "items" -> {
        if (v == UNDEFINED) {
          yield new ArrayList<>();
        }
        if (!(v instanceof Map<?, ?> m)) {
          throw new TemplateException("items filter needs a mapping, got " + Values.typeName(v));
        }
        List<Object> out = new ArrayList<>();
        m.forEach(
            (k, x) -> {
              List<Object> pair = new ArrayList<>();
              pair.add(k);
              pair.add(x);
              out.add(pair);
            });
        yield out;
      }
      case "dictsort" -> {
        List<Object> out = (List<Object>) apply(in, "items", v, List.of(), Map.of());
        out.sort(Comparator.comparing(p -> Values.str(((List<?>) p).get(0))));
        yield out;
      }
      case "selectattr", "rejectattr" -> {
        boolean select = name.equals("selectattr");
        List<Object> out = new ArrayList<>();
        String attr = Values.str(a0);
        for (Object x : Values.iterate(v)) {
          Object field = Builtins.getItem(x, attr, "item");
          boolean ok =
              args.size() > 1
                  ? Builtins.test(in, Values.str(args.get(1)), field, args.subList(2, args.size()))
                  : Values.truthy(field);
          if (ok == select) {
            out.add(x);
          }
        }
        yield out;
      }
      case "select", "reject" -> {
        boolean select = name.equals("select");
        List<Object> out = new ArrayList<>();
        for (Object x : Values.iterate(v)) {
          boolean ok =
              a0 == null
                  ? Values.truthy(x)
                  : Builtins.test(in, Values.str(a0), x, args.subList(1, args.size()));
          if (ok == select) {
            out.add(x);
          }
        }
        yield out;
      }
      case "map" -> {
        List<Object> out = new ArrayList<>();
        for (Object x : Values.iterate(v)) {
          if (kw.containsKey("attribute")) {
            Object f = Builtins.getItem(x, Values.str(kw.get("attribute")), "item");
            out.add(f == UNDEFINED && kw.containsKey("default") ? kw.get("default") : f);
          } else {
            out.add(apply(in, Values.str(a0), x, args.subList(1, args.size()), Map.of()));
          }
        }
        yield out;
      }
      case "unique" -> Builtins.unique(Values.iterate(v));
      case "sort" -> {
        List<Object> l = Values.iterate(v);
        l.sort(Values::compare);
        if (Values.truthy(kw.get("reverse"))) {
          java.util.Collections.reverse(l);
        }
        yield l;
      }
      case "int" -> toInt(v, a0);
      case "float" -> v instanceof String s ? Double.parseDouble(s.strip()) : Values.toDouble(v);
      case "abs" -> v instanceof Double d ? Math.abs(d) : (Object) Math.abs(Values.toLong(v));
      case "round" -> (double) Math.round(Values.toDouble(v));
      case "wordcount" -> (long) Values.str(v).strip().split("\\s+").length;
      case "indent" ->
          indent(
              Values.str(v),
              a0 == null ? 4 : (int) Values.toLong(a0),
              Values.truthy(kw.getOrDefault("first", args.size() > 1 ? args.get(1) : false)));
      case "tojson" ->
          Json.dumps(
              v,
              kw.containsKey("indent") ? kw.get("indent") : a0,
              Values.truthy(kw.get("sort_keys")));
      default -> throw new TemplateException("no filter named '" + name + "'");
    };
  }

  private static int length(Object v) {
    if (v == UNDEFINED) {
      return 0;
    }
    if (v instanceof String s) {
      return s.codePointCount(0, s.length());
    }
    if (v instanceof Collection<?> c) {
      return c.size();
    }
    if (v instanceof Map<?, ?> m) {
      return m.size();
    }
    throw new TemplateException("object of type '" + Values.typeName(v) + "' has no len()");
  }

  private static Object toInt(Object v, Object fallback) {
    try {
      if (v instanceof String s) {
        return Long.parseLong(s.strip());
      }
      return Values.toLong(v);
    } catch (RuntimeException e) {
      return fallback == null ? 0L : fallback;
    }
  }

  static String title(String s) {
    StringBuilder b = new StringBuilder();
    boolean start = true;
    for (char c : s.toCharArray()) {
      b.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
      start = !Character.isLetterOrDigit(c);
    }
    return b.toString();
  }

  static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1).toLowerCase();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&#34;")
        .replace("'", "&#39;");
  }

  private static String indent(String s, int width, boolean first) {
    String pad = " ".repeat(width);
    String[] lines = s.split("\n", -1);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      if (i > 0) {
        b.append('\n');
      }
      boolean blank = lines[i].isEmpty();
      b.append((i > 0 || first) && !blank ? pad : "").append(lines[i]);
    }
    return b.toString();
  }
}
