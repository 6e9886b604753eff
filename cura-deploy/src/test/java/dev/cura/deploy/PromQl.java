package dev.cura.deploy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough PromQL reading to list the series an expression queries: metric names, and the values
 * of label matchers. Not a parser; {@link PromQlTest} pins what it recognises.
 */
final class PromQl {

  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "offset",
          "inf",
          "nan",
          "atan2");

  /** Suffixes Micrometer's Prometheus registry adds to a timer or summary family. */
  private static final String[] FAMILY_SUFFIXES = {"_count", "_sum", "_max", "_bucket"};

  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'");
  private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*]");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern MATCHER =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!=|!~|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** The metric names an expression selects (functions, keywords and labels left out). */
  static Set<String> metricNames(String expr) {
    String s = STRING.matcher(expr).replaceAll("\"\"");
    s = MATCHERS.matcher(s).replaceAll(" ");
    s = RANGE.matcher(s).replaceAll(" ");
    s = GROUPING.matcher(s).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENT.matcher(s);
    while (m.find()) {
      String name = m.group();
      int before = m.start() - 1;
      if (before >= 0 && (Character.isDigit(s.charAt(before)) || s.charAt(before) == '.')) {
        continue; // exponent or unit of a number literal
      }
      if (KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))
          || nextNonSpace(s, m.end()) == '(') {
        continue; // keyword, function or aggregation
      }
      names.add(name);
    }
    return names;
  }

  /** Label matchers of an expression, label name → values (exact and regex alike). */
  static Map<String, Set<String>> labelValues(String expr) {
    Map<String, Set<String>> values = new LinkedHashMap<>();
    Matcher block = MATCHERS.matcher(expr);
    while (block.find()) {
      Matcher m = MATCHER.matcher(block.group());
      while (m.find()) {
        values.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(3));
      }
    }
    return values;
  }

  /** The family a series name belongs to, given the families known: x_count → x when x is known. */
  static String family(String series, Set<String> knownFamilies) {
    if (knownFamilies.contains(series)) {
      return series;
    }
    for (String suffix : FAMILY_SUFFIXES) {
      if (series.endsWith(suffix)) {
        String base = series.substring(0, series.length() - suffix.length());
        if (knownFamilies.contains(base)) {
          return base;
        }
      }
    }
    return series;
  }

  /** True when (), [] and {} are balanced outside string literals. */
  static boolean balanced(String expr) {
    String s = STRING.matcher(expr).replaceAll("\"\"");
    java.util.ArrayDeque<Character> stack = new java.util.ArrayDeque<>();
    for (char c : s.toCharArray()) {
      switch (c) {
        case '(', '[', '{' -> stack.push(c);
        case ')' -> {
          if (stack.isEmpty() || stack.pop() != '(') return false;
        }
        case ']' -> {
          if (stack.isEmpty() || stack.pop() != '[') return false;
        }
        case '}' -> {
          if (stack.isEmpty() || stack.pop() != '{') return false;
        }
        default -> {}
      }
    }
    return stack.isEmpty();
  }

  private static char nextNonSpace(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      if (!Character.isWhitespace(s.charAt(i))) {
        return s.charAt(i);
      }
    }
    return 0;
  }

  private PromQl() {}
}
