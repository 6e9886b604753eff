package dev.cura.engine.data.jinja;

import dev.cura.engine.data.jinja.Node.Expr;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Jinja2's expression grammar, loosest first: conditional ({@code a if t else b}), or, and, not,
 * comparisons (== != &lt; &gt; &lt;= &gt;= in, not in), + −, ~, * / // %, **, unary ± , then
 * primaries with postfix access (.name, [key], [a:b], calls) and filters/tests (| f, is t).
 */
final class ExprParser {
  private static final Set<String> COMPARE = Set.of("==", "!=", "<", ">", "<=", ">=");
  private final Tokens t;

  ExprParser(Tokens t) {
    this.t = t;
  }

  Expr expression() {
    return condExpr(true);
  }

  private Expr condExpr(boolean withCond) {
    Expr e = orExpr(false);
    while (withCond && t.isWord("if")) {
      t.next();
      Expr test = orExpr(false);
      Expr otherwise = t.acceptWord("else") ? condExpr(true) : null;
      e = new Node.CondExpr(test, e, otherwise);
    }
    return e;
  }

  /** An or-expression; in a for loop's iterable a trailing {@code if} is the loop filter. */
  Expr orExpr(boolean noTuple) {
    Expr e = andExpr();
    while (t.acceptWord("or")) {
      e = new Node.Binary("or", e, andExpr());
    }
    return e;
  }

  private Expr andExpr() {
    Expr e = notExpr();
    while (t.acceptWord("and")) {
      e = new Node.Binary("and", e, notExpr());
    }
    return e;
  }

  private Expr notExpr() {
    if (t.acceptWord("not")) {
      return new Node.Unary("not", notExpr());
    }
    return compare();
  }

  private Expr compare() {
    Expr first = math1();
    List<Expr> operands = new ArrayList<>(List.of(first));
    List<String> ops = new ArrayList<>();
    while (true) {
      Tokens.Tok k = t.peek();
      if (k.type() == Tokens.Type.OP && COMPARE.contains(k.text())) {
        t.next();
        ops.add(k.text());
      } else if (t.isWord("in")) {
        t.next();
        ops.add("in");
      } else if (t.isWord("not")
          && t.peek(1).type() == Tokens.Type.NAME
          && t.peek(1).text().equals("in")) {
        t.next();
        t.next();
        ops.add("not in");
      } else {
        break;
      }
      operands.add(math1());
    }
    return ops.isEmpty() ? first : new Node.Compare(operands, ops);
  }

  private Expr math1() {
    Expr e = concat();
    while (t.isOp("+") || t.isOp("-")) {
      String op = t.next().text();
      e = new Node.Binary(op, e, concat());
    }
    return e;
  }

  private Expr concat() {
    Expr e = math2();
    while (t.accept("~")) {
      e = new Node.Binary("~", e, math2());
    }
    return e;
  }

  private Expr math2() {
    Expr e = pow();
    while (t.isOp("*") || t.isOp("/") || t.isOp("//") || t.isOp("%")) {
      String op = t.next().text();
      e = new Node.Binary(op, e, pow());
    }
    return e;
  }

  private Expr pow() {
    Expr e = unary();
    while (t.accept("**")) {
      e = new Node.Binary("**", e, unary());
    }
    return e;
  }

  private Expr unary() {
    if (t.isOp("-") || t.isOp("+")) {
      String op = t.next().text();
      return new Node.Unary(op, unary());
    }
    return filters(postfix(primary()));
  }

  private Expr primary() {
    Tokens.Tok k = t.next();
    switch (k.type()) {
      case STRING -> {
        StringBuilder s = new StringBuilder(k.text());
        while (t.peek().type() == Tokens.Type.STRING) {
          s.append(t.next().text()); // adjacent literals concatenate
        }
        return new Node.Literal(s.toString());
      }
      case INT -> {
        return new Node.Literal(Long.parseLong(k.text()));
      }
      case FLOAT -> {
        return new Node.Literal(Double.parseDouble(k.text()));
      }
      case NAME -> {
        return switch (k.text()) {
          case "true", "True" -> new Node.Literal(true);
          case "false", "False" -> new Node.Literal(false);
          case "none", "None" -> new Node.Literal(null);
          default -> new Node.Name(k.text());
        };
      }
      case OP -> {
        switch (k.text()) {
          case "(" -> {
            if (t.accept(")")) {
              return new Node.TupleExpr(List.of());
            }
            Expr e = expression();
            if (!t.isOp(",")) {
              t.expect(")");
              return e;
            }
            List<Expr> items = new ArrayList<>(List.of(e));
            while (t.accept(",") && !t.isOp(")")) {
              items.add(expression());
            }
            t.expect(")");
            return new Node.TupleExpr(items);
          }
          case "[" -> {
            List<Expr> items = new ArrayList<>();
            while (!t.accept("]")) {
              items.add(expression());
              if (!t.accept(",")) {
                t.expect("]");
                break;
              }
            }
            return new Node.ListExpr(items);
          }
          case "{" -> {
            List<Expr> keys = new ArrayList<>();
            List<Expr> values = new ArrayList<>();
            while (!t.accept("}")) {
              keys.add(expression());
              t.expect(":");
              values.add(expression());
              if (!t.accept(",")) {
                t.expect("}");
                break;
              }
            }
            return new Node.DictExpr(keys, values);
          }
          default -> {}
        }
      }
      default -> {}
    }
    throw new TemplateException("unexpected '" + k.text() + "' at line " + t.line());
  }

  private Expr postfix(Expr e) {
    while (true) {
      if (t.accept(".")) {
        Tokens.Tok k = t.next();
        e =
            k.type() == Tokens.Type.INT
                ? new Node.GetItem(e, new Node.Literal(Long.parseLong(k.text())))
                : new Node.GetAttr(e, k.text());
      } else if (t.accept("[")) {
        e = subscript(e);
      } else if (t.isOp("(")) {
        t.next();
        List<Expr> args = new ArrayList<>();
        Map<String, Expr> kwargs = new LinkedHashMap<>();
        arguments(args, kwargs);
        e = new Node.Call(e, args, kwargs);
      } else {
        return e;
      }
    }
  }

  private Expr subscript(Expr e) {
    Expr[] parts = new Expr[3];
    int i = 0;
    boolean slice = false;
    while (!t.accept("]")) {
      if (t.accept(":")) {
        slice = true;
        i++;
        if (i > 2) {
          throw t.error("']'");
        }
        continue;
      }
      parts[i] = expression();
    }
    return slice ? new Node.Slice(e, parts[0], parts[1], parts[2]) : new Node.GetItem(e, parts[0]);
  }

  /** Arguments after an opening parenthesis, through the closing one. */
  private void arguments(List<Expr> args, Map<String, Expr> kwargs) {
    while (!t.accept(")")) {
      if (t.peek().type() == Tokens.Type.NAME
          && t.peek(1).text().equals("=")
          && t.peek(1).type() == Tokens.Type.OP) {
        String name = t.next().text();
        t.next();
        kwargs.put(name, expression());
      } else {
        args.add(expression());
      }
      if (!t.accept(",")) {
        t.expect(")");
        return;
      }
    }
  }

  private Expr filters(Expr e) {
    while (true) {
      if (t.accept("|")) {
        Node.Call f = filterCall();
        e = new Node.Filter(e, ((Node.Name) f.fn()).name(), f.args(), f.kwargs());
      } else if (t.isWord("is")) {
        t.next();
        boolean negated = t.acceptWord("not");
        String name = t.name();
        List<Expr> args = new ArrayList<>();
        if (t.isOp("(")) {
          t.next();
          arguments(args, new LinkedHashMap<>());
        } else if (startsPrimary()) {
          args.add(math1Operand());
        }
        e = new Node.Test(e, name, args, negated);
      } else {
        return e;
      }
    }
  }

  /** A test's single argument without parentheses ({@code is divisibleby 3}). */
  private Expr math1Operand() {
    return postfix(primary());
  }

  private boolean startsPrimary() {
    Tokens.Tok k = t.peek();
    return switch (k.type()) {
      case STRING, INT, FLOAT -> true;
      case NAME -> !Set.of("and", "or", "else", "if", "is", "in", "not").contains(k.text());
      default -> false;
    };
  }

  /** {@code name} or {@code name(args)} after a {@code |}. */
  Node.Call filterCall() {
    String name = t.name();
    while (t.accept(".")) {
      name = name + "." + t.name();
    }
    List<Expr> args = new ArrayList<>();
    Map<String, Expr> kwargs = new LinkedHashMap<>();
    if (t.isOp("(")) {
      t.next();
      arguments(args, kwargs);
    }
    return new Node.Call(new Node.Name(name), args, kwargs);
  }
}
