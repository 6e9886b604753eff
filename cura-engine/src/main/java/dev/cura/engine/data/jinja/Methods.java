package dev.cura.engine.data.jinja;

import static dev.cura.engine.data.jinja.Values.UNDEFINED;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The Python str, dict and list methods templates call ({@code content.strip()}, …). */
final class Methods {
  private Methods() {}

  static Object strMethod(String s, String name) {
    return switch (name) {
      case "strip" -> (Values.Callable) (a, k) -> strip(s, chars(a), true, true);
      case "lstrip" -> (Values.Callable) (a, k) -> strip(s, chars(a), true, false);
      case "rstrip" -> (Values.Callable) (a, k) -> strip(s, chars(a), false, true);
      case "upper" -> (Values.Callable) (a, k) -> s.toUpperCase();
      case "lower" -> (Values.Callable) (a, k) -> s.toLowerCase();
      case "title" -> (Values.Callable) (a, k) -> Filters.title(s);
      case "capitalize" -> (Values.Callable) (a, k) -> Filters.capitalize(s);
      case "startswith" -> (Values.Callable) (a, k) -> affix(s, a.get(0), true);
      case "endswith" -> (Values.Callable) (a, k) -> affix(s, a.get(0), false);
      case "split" -> (Values.Callable) (a, k) -> split(s, a);
      case "replace" ->
          (Values.Callable) (a, k) -> s.replace(Values.str(a.get(0)), Values.str(a.get(1)));
      case "find" -> (Values.Callable) (a, k) -> (long) s.indexOf(Values.str(a.get(0)));
      case "count" ->
          (Values.Callable)
              (a, k) -> {
                String sub = Values.str(a.get(0));
                long c = 0;
                for (int i = s.indexOf(sub);
                    i >= 0 && !sub.isEmpty();
                    i = s.indexOf(sub, i + sub.length())) {
                  c++;
                }
                return c;
              };
      case "join" ->
          (Values.Callable)
              (a, k) -> {
                List<String> parts = new ArrayList<>();
                Values.iterate(a.get(0)).forEach(x -> parts.add(Values.str(x)));
                return String.join(s, parts);
              };
      case "isdigit" ->
          (Values.Callable) (a, k) -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
      case "format" -> (Values.Callable) (a, k) -> format(s, a, k);
      default -> UNDEFINED;
    };
  }

  static Object dictMethod(Map<?, ?> m, String name) {
    return switch (name) {
      case "items" ->
          (Values.Callable)
              (a, k) -> {
                List<Object> out = new ArrayList<>();
                m.forEach((key, v) -> out.add(new ArrayList<>(List.of(key, v == null ? NULL : v))));
                return fixNulls(out);
              };
      case "keys" -> (Values.Callable) (a, k) -> new ArrayList<Object>(m.keySet());
      case "values" -> (Values.Callable) (a, k) -> new ArrayList<Object>(m.values());
      case "get" ->
          (Values.Callable)
              (a, k) ->
                  m.containsKey(a.get(0)) ? m.get(a.get(0)) : (a.size() > 1 ? a.get(1) : null);
      default -> UNDEFINED;
    };
  }

  static Object listMethod(List<?> l, String name) {
    return switch (name) {
      case "index" ->
          (Values.Callable)
              (a, k) -> {
                for (int i = 0; i < l.size(); i++) {
                  if (Values.eq(l.get(i), a.get(0))) {
                    return (long) i;
                  }
                }
                throw new TemplateException(Values.repr(a.get(0)) + " is not in list");
              };
      case "count" ->
          (Values.Callable) (a, k) -> l.stream().filter(x -> Values.eq(x, a.get(0))).count();
      default -> UNDEFINED;
    };
  }

  private static final Object NULL = new Object();

  /** List.of rejects nulls: pairs are built with a marker, then restored. */
  private static List<Object> fixNulls(List<Object> pairs) {
    for (Object p : pairs) {
      @SuppressWarnings("unchecked")
      List<Object> pair = (List<Object>) p;
      if (pair.get(1) == NULL) {
        pair.set(1, null);
      }
    }
    return pairs;
  }

  private static String chars(List<Object> a) {
    return a.isEmpty() || a.get(0) == null ? null : Values.str(a.get(0));
  }

  /** Python's str.strip/lstrip/rstrip: whitespace, or any of {@code chars}. */
  static String strip(String s, String chars, boolean left, boolean right) {
    int b = 0, e = s.length();
    while (left && b < e && strippable(s.charAt(b), chars)) {
      b++;
    }
    while (right && e > b && strippable(s.charAt(e - 1), chars)) {
      e--;
    }
    return s.substring(b, e);
  }

  private static boolean strippable(char c, String chars) {
    return chars == null
        ? Character.isWhitespace(c) || Character.isSpaceChar(c)
        : chars.indexOf(c) >= 0;
  }

  private static boolean affix(String s, Object arg, boolean prefix) {
    if (arg instanceof List<?> options) {
      for (Object o : options) {
        if (affix(s, o, prefix)) {
          return true;
        }
      }
      return false;
    }
    String x = Values.str(arg);
    return prefix ? s.startsWith(x) : s.endsWith(x);
  }

  private static List<Object> split(String s, List<Object> a) {
    String sep = a.isEmpty() || a.get(0) == null ? null : Values.str(a.get(0));
    long max = a.size() > 1 ? Values.toLong(a.get(1)) : -1;
    List<Object> out = new ArrayList<>();
    if (sep == null) {
      for (String p : s.strip().split("\\s+", max < 0 ? 0 : (int) max + 1)) {
        if (!p.isEmpty()) {
          out.add(p);
        }
      }
      return out;
    }
    if (sep.isEmpty()) {
      throw new TemplateException("empty separator");
    }
    int from = 0;
    while (max < 0 || out.size() < max) {
      int i = s.indexOf(sep, from);
      if (i < 0) {
        break;
      }
      out.add(s.substring(from, i));
      from = i + sep.length();
    }
    out.add(s.substring(from));
    return out;
  }

  /** {@code '{} and {name}'.format(...)} with positional and named fields. */
  private static String format(String s, List<Object> a, Map<String, Object> k) {
    StringBuilder out = new StringBuilder();
    int auto = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '{' && i + 1 < s.length() && s.charAt(i + 1) == '{') {
        out.append('{');
        i++;
      } else if (c == '}' && i + 1 < s.length() && s.charAt(i + 1) == '}') {
        out.append('}');
        i++;
      } else if (c == '{') {
        int end = s.indexOf('}', i);
        String field = s.substring(i + 1, end);
        Object v =
            field.isEmpty()
                ? a.get(auto++)
                : field.chars().allMatch(Character::isDigit)
                    ? a.get(Integer.parseInt(field))
                    : k.get(field);
        out.append(Values.str(v));
        i = end;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** {@code '%s' % x} for %s, %d and %%. */
  static String percentFormat(String s, Object arg) {
    List<Object> args = arg instanceof List<?> l ? new ArrayList<>(l) : List.of(arg);
    StringBuilder out = new StringBuilder();
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 1 < s.length()) {
        char d = s.charAt(++i);
        switch (d) {
          case '%' -> out.append('%');
          case 's' -> out.append(Values.str(args.get(n++)));
          case 'd' -> out.append(Values.toLong(args.get(n++)));
          default -> throw new TemplateException("unsupported format %" + d);
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
