package dev.cura.engine.data.jinja;

import java.util.ArrayList;
import java.util.List;

/** The tokens inside one tag: names, numbers, strings and operators. */
final class Tokens {
  enum Type {
    NAME,
    STRING,
    INT,
    FLOAT,
    OP,
    END
  }

  record Tok(Type type, String text) {}

  private static final String[] OPS = {
    "**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "(", ")", "[", "]",
    "{", "}", ",", ".", ":", "|", "=", ";"
  };

  private final List<Tok> toks = new ArrayList<>();
  private final int line;
  private int at;

  Tokens(String s, int line) {
    this.line = line;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (Character.isLetter(c) || c == '_') {
        int j = i;
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
          j++;
        }
        toks.add(new Tok(Type.NAME, s.substring(i, j)));
        i = j;
      } else if (Character.isDigit(c)) {
        int j = i;
        boolean dot = false;
        while (j < s.length()
            && (Character.isDigit(s.charAt(j))
                || s.charAt(j) == '_'
                || (s.charAt(j) == '.'
                    && !dot
                    && j + 1 < s.length()
                    && Character.isDigit(s.charAt(j + 1))))) {
          dot |= s.charAt(j) == '.';
          j++;
        }
        toks.add(new Tok(dot ? Type.FLOAT : Type.INT, s.substring(i, j).replace("_", "")));
        i = j;
      } else if (c == '\'' || c == '"') {
        StringBuilder b = new StringBuilder();
        int j = i + 1;
        while (j < s.length() && s.charAt(j) != c) {
          char d = s.charAt(j);
          if (d == '\\' && j + 1 < s.length()) {
            char e = s.charAt(++j);
            switch (e) {
              case 'n' -> b.append('\n');
              case 't' -> b.append('\t');
              case 'r' -> b.append('\r');
              case '0' -> b.append('\0');
              case 'u' -> {
                b.append((char) Integer.parseInt(s.substring(j + 1, j + 5), 16));
                j += 4;
              }
              case '\\', '\'', '"' -> b.append(e);
              default -> b.append('\\').append(e);
            }
          } else {
            b.append(d);
          }
          j++;
        }
        if (j >= s.length()) {
          throw new TemplateException("unterminated string at line " + line);
        }
        toks.add(new Tok(Type.STRING, b.toString()));
        i = j + 1;
      } else {
        String op = null;
        for (String o : OPS) {
          if (s.startsWith(o, i)) {
            op = o;
            break;
          }
        }
        if (op == null) {
          throw new TemplateException("unexpected character '" + c + "' at line " + line);
        }
        toks.add(new Tok(Type.OP, op));
        i += op.length();
      }
    }
    toks.add(new Tok(Type.END, ""));
  }

  int line() {
    return line;
  }

  Tok peek() {
    return toks.get(at);
  }

  Tok peek(int ahead) {
    return toks.get(Math.min(at + ahead, toks.size() - 1));
  }

  Tok next() {
    Tok t = toks.get(at);
    if (t.type() != Type.END) {
      at++;
    }
    return t;
  }

  boolean isOp(String op) {
    return peek().type() == Type.OP && peek().text().equals(op);
  }

  boolean isWord(String w) {
    return peek().type() == Type.NAME && peek().text().equals(w);
  }

  boolean accept(String op) {
    if (isOp(op)) {
      at++;
      return true;
    }
    return false;
  }

  boolean acceptWord(String w) {
    if (isWord(w)) {
      at++;
      return true;
    }
    return false;
  }

  void expect(String op) {
    if (!accept(op)) {
      throw error("'" + op + "'");
    }
  }

  void expectWord(String w) {
    if (!acceptWord(w)) {
      throw error("'" + w + "'");
    }
  }

  String name() {
    if (peek().type() != Type.NAME) {
      throw error("a name");
    }
    return next().text();
  }

  void expectEnd() {
    if (peek().type() != Type.END) {
      throw error("the end of the tag");
    }
  }

  TemplateException error(String expected) {
    return new TemplateException(
        "expected " + expected + " at line " + line + ", got '" + peek().text() + "'");
  }
}
