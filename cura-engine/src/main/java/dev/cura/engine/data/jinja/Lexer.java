package dev.cura.engine.data.jinja;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a template into text, {@code {{ … }}} and {@code {% … %}} chunks (comments dropped) and
 * applies Jinja's whitespace control as Jinja2 does with {@code trim_blocks} and {@code
 * lstrip_blocks} on:
 *
 * <ul>
 *   <li>{@code {%-}, {@code {{-}, {@code {#-}: all whitespace before the tag goes; {@code -%}},
 *       {@code -}}}, {@code -#}}: all whitespace after it;
 *   <li>trim_blocks: the first newline right after a block or comment tag goes (not after {@code
 *       +%}});
 *   <li>lstrip_blocks: spaces and tabs from the start of a line up to a block or comment tag go
 *       (not before {@code {%+}).
 * </ul>
 *
 * {@code {% raw %}…{% endraw %}} is kept verbatim as text.
 */
final class Lexer {
  enum Kind {
    TEXT,
    VAR,
    BLOCK
  }

  record Chunk(Kind kind, String text, int line) {}

  private Lexer() {}

  static List<Chunk> lex(String src) {
    List<Chunk> out = new ArrayList<>();
    int pos = 0;
    boolean lineStarting = true;
    boolean stripNext = false;
    int n = src.length();
    while (pos < n) {
      int start = nextTag(src, pos);
      String text = start < 0 ? src.substring(pos) : src.substring(pos, start);
      if (stripNext) {
        text = text.stripLeading();
      }
      if (start < 0) {
        out.add(new Chunk(Kind.TEXT, text, line(src, pos)));
        break;
      }
      char type = src.charAt(start + 1);
      char open = start + 2 < n ? src.charAt(start + 2) : ' ';
      boolean block = type == '%' || type == '#';
      if (open == '-') {
        text = text.stripTrailing();
      } else if (block && open != '+') {
        int lineStart = text.lastIndexOf('\n') + 1;
        if ((lineStart > 0 || lineStarting) && onlySpaces(text, lineStart)) {
          text = text.substring(0, lineStart);
        }
      }
      if (!text.isEmpty()) {
        out.add(new Chunk(Kind.TEXT, text, line(src, pos)));
      }
      int bodyStart = start + 2 + (open == '-' || open == '+' ? 1 : 0);
      String close = type == '{' ? "}}" : type == '%' ? "%}" : "#}";
      int end = type == '#' ? src.indexOf(close, bodyStart) : closing(src, bodyStart, close);
      if (end < 0) {
        throw new TemplateException("unclosed tag at line " + line(src, start));
      }
      char closeMod = src.charAt(end - 1);
      int bodyEnd = closeMod == '-' || closeMod == '+' ? end - 1 : end;
      if (bodyEnd < bodyStart) {
        bodyEnd = bodyStart;
      }
      String body = src.substring(bodyStart, bodyEnd).strip();
      pos = end + 2;
      stripNext = closeMod == '-';
      if (type == '%' && body.equals("raw")) {
        int endRaw = findEndRaw(src, pos);
        out.add(new Chunk(Kind.TEXT, src.substring(pos, endRaw), line(src, pos)));
        pos = src.indexOf("%}", endRaw) + 2;
        continue;
      }
      if (type != '#') {
        out.add(new Chunk(type == '{' ? Kind.VAR : Kind.BLOCK, body, line(src, start)));
      }
      lineStarting = false;
      if (stripNext) {
        int p = pos;
        while (p < n && Character.isWhitespace(src.charAt(p))) {
          p++;
        }
        lineStarting = p > pos && src.charAt(p - 1) == '\n';
        pos = p;
        stripNext = false;
      } else if (block && closeMod != '+' && pos < n && src.charAt(pos) == '\n') {
        pos++; // trim_blocks
        lineStarting = true;
      } else if (block && closeMod != '+' && src.startsWith("\r\n", pos)) {
        pos += 2;
        lineStarting = true;
      }
    }
    return out;
  }

  private static boolean onlySpaces(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t') {
        return false;
      }
    }
    return true;
  }

  private static int nextTag(String s, int from) {
    for (int i = s.indexOf('{', from); i >= 0 && i + 1 < s.length(); i = s.indexOf('{', i + 1)) {
      char c = s.charAt(i + 1);
      if (c == '{' || c == '%' || c == '#') {
        return i;
      }
    }
    return -1;
  }

  /** The index of {@code close} ending a tag, skipping string literals and nested brackets. */
  private static int closing(String s, int from, String close) {
    char quote = 0;
    int depth = 0;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (depth == 0 && s.startsWith(close, i)) {
        return i;
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
        depth--;
      }
    }
    return -1;
  }

  private static int findEndRaw(String s, int from) {
    int i = from;
    while (true) {
      int tag = s.indexOf("{%", i);
      if (tag < 0) {
        throw new TemplateException("raw block without endraw");
      }
      int body = tag + 2 + (s.charAt(tag + 2) == '-' ? 1 : 0);
      int end = s.indexOf("%}", body);
      if (end > 0 && s.substring(body, end).replace("-", "").strip().equals("endraw")) {
        return tag;
      }
      i = tag + 2;
    }
  }

  private static int line(String s, int pos) {
    int line = 1;
    for (int i = 0; i < pos && i < s.length(); i++) {
      if (s.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }
}
