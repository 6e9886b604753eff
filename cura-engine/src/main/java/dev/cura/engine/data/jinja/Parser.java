package dev.cura.engine.data.jinja;

import dev.cura.engine.data.jinja.Node.Expr;
import dev.cura.engine.data.jinja.Node.Stmt;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses {@link Lexer} chunks into statements, and tag contents into expressions (Jinja2 rules).
 */
final class Parser {
  private final List<Lexer.Chunk> chunks;
  private int at;

  private Parser(List<Lexer.Chunk> chunks) {
    this.chunks = chunks;
  }

  static List<Stmt> parse(String source) {
    // Jinja2 drops one trailing newline of the template (keep_trailing_newline=False)
    if (source.endsWith("\r\n")) {
      source = source.substring(0, source.length() - 2);
    } else if (source.endsWith("\n")) {
      source = source.substring(0, source.length() - 1);
    }
    Parser p = new Parser(Lexer.lex(source));
    List<Stmt> body = p.statements(Set.of());
    if (p.at < p.chunks.size()) {
      Lexer.Chunk c = p.chunks.get(p.at);
      throw new TemplateException("unexpected '" + c.text() + "' at line " + c.line());
    }
    return body;
  }

  /** Statements up to (not including) a block tag whose first word is in {@code until}. */
  private List<Stmt> statements(Set<String> until) {
    List<Stmt> out = new ArrayList<>();
    while (at < chunks.size()) {
      Lexer.Chunk c = chunks.get(at);
      switch (c.kind()) {
        case TEXT -> {
          out.add(new Node.Text(c.text()));
          at++;
        }
        case VAR -> {
          Tokens t = new Tokens(c.text(), c.line());
          out.add(new Node.Output(new ExprParser(t).expression()));
          t.expectEnd();
          at++;
        }
        case BLOCK -> {
          String word = firstWord(c.text());
          if (until.contains(word)) {
            return out;
          }
          at++;
          out.add(block(word, new Tokens(c.text(), c.line())));
        }
      }
    }
    if (!until.isEmpty()) {
      throw new TemplateException("missing {% " + String.join(" or ", until) + " %}");
    }
    return out;
  }

  private Stmt block(String word, Tokens t) {
    t.next(); // the keyword
    ExprParser e = new ExprParser(t);
    switch (word) {
      case "if" -> {
        List<Expr> tests = new ArrayList<>();
        List<List<Stmt>> bodies = new ArrayList<>();
        tests.add(e.expression());
        t.expectEnd();
        List<Stmt> otherwise = List.of();
        while (true) {
          bodies.add(statements(Set.of("elif", "else", "endif")));
          Tokens end = tokensAt();
          String w = end.next().text();
          if (w.equals("elif")) {
            tests.add(new ExprParser(end).expression());
            end.expectEnd();
          } else if (w.equals("else")) {
            end.expectEnd();
            otherwise = statements(Set.of("endif"));
            tokensAt().next();
            break;
          } else {
            break;
          }
        }
        return new Node.If(tests, bodies, otherwise);
      }
      case "for" -> {
        List<String> targets = new ArrayList<>();
        do {
          targets.add(t.name());
        } while (t.accept(","));
        t.expectWord("in");
        Expr iter = e.orExpr(true);
        Expr filter = null;
        if (t.acceptWord("if")) {
          filter = e.expression();
        }
        t.acceptWord("recursive");
        t.expectEnd();
        List<Stmt> body = statements(Set.of("else", "endfor"));
        List<Stmt> otherwise = List.of();
        if (tokensAt().next().text().equals("else")) {
          otherwise = statements(Set.of("endfor"));
          tokensAt();
        }
        return new Node.For(targets, iter, filter, body, otherwise);
      }
      case "set" -> {
        String first = t.name();
        if (t.accept(".")) {
          String attr = t.name();
          t.expect("=");
          Expr v = e.expression();
          t.expectEnd();
          return new Node.Set(List.of(first), attr, v);
        }
        List<String> targets = new ArrayList<>(List.of(first));
        while (t.accept(",")) {
          targets.add(t.name());
        }
        if (t.accept("=")) {
          Expr v = e.expression();
          t.expectEnd();
          return new Node.Set(targets, null, v);
        }
        List<Node.Call> filters = new ArrayList<>();
        while (t.accept("|")) {
          filters.add(e.filterCall());
        }
        t.expectEnd();
        List<Stmt> body = statements(Set.of("endset"));
        tokensAt();
        return new Node.SetBlock(first, body, filters);
      }
      case "macro" -> {
        String name = t.name();
        List<String> params = new ArrayList<>();
        Map<String, Expr> defaults = new LinkedHashMap<>();
        t.expect("(");
        while (!t.accept(")")) {
          String p = t.name();
          params.add(p);
          if (t.accept("=")) {
            defaults.put(p, e.expression());
          }
          t.accept(",");
        }
        t.expectEnd();
        List<Stmt> body = statements(Set.of("endmacro"));
        tokensAt();
        return new Node.Macro(name, params, defaults, body);
      }
      case "filter" -> {
        Node.Call f = e.filterCall();
        t.expectEnd();
        List<Stmt> body = statements(Set.of("endfilter"));
        tokensAt();
        return new Node.FilterBlock(f, body);
      }
      case "generation" -> {
        // transformers' {% generation %} marks assistant text; rendering is unchanged
        t.expectEnd();
        List<Stmt> body = statements(Set.of("endgeneration"));
        tokensAt();
        return new Node.If(List.of(new Node.Literal(true)), List.of(body), List.of());
      }
      case "do" -> {
        Expr x = e.expression();
        t.expectEnd();
        return new Node.CallStmt(x);
      }
      case "break" -> {
        t.expectEnd();
        return new Node.Break();
      }
      case "continue" -> {
        t.expectEnd();
        return new Node.Continue();
      }
      default ->
          throw new TemplateException(
              "unknown tag '"
                  + word
                  + "' at line "
                  + t.line()
                  + " (supported: if, for, set,"
                  + " macro, filter, generation, do, break, continue, raw)");
    }
  }

  /** Consumes the current block chunk (an end/else tag) and returns its tokens. */
  private Tokens tokensAt() {
    Lexer.Chunk c = chunks.get(at++);
    return new Tokens(c.text(), c.line());
  }

  private static String firstWord(String s) {
    int i = 0;
    while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
      i++;
    }
    return s.substring(0, i);
  }
}
