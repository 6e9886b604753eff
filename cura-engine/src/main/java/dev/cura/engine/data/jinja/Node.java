package dev.cura.engine.data.jinja;

import java.util.List;
import java.util.Map;

/**
 * The syntax tree of a Jinja template: statements ({@link Stmt}) and expressions ({@link Expr}).
 */
public final class Node {
  private Node() {}

  /** A statement (text, output, control flow). */
  public sealed interface Stmt
      permits Text, Output, If, For, Set, SetBlock, Macro, Break, Continue, FilterBlock, CallStmt {}

  /** Literal template text. */
  public record Text(String text) implements Stmt {}

  /** {@code {{ expr }}}. */
  public record Output(Expr expr) implements Stmt {}

  /**
   * if / elif / else: {@code tests[i]} guards {@code bodies[i]}; {@code otherwise} may be empty.
   */
  public record If(List<Expr> tests, List<List<Stmt>> bodies, List<Stmt> otherwise)
      implements Stmt {}

  /** {@code for targets in iter [if filter]} … {@code else} … */
  public record For(
      List<String> targets, Expr iter, Expr filter, List<Stmt> body, List<Stmt> otherwise)
      implements Stmt {}

  /** {@code set a = x}, {@code set a, b = x} or {@code set ns.attr = x}. */
  public record Set(List<String> targets, String attribute, Expr value) implements Stmt {}

  /** {@code set a}…{@code endset} (with optional filters applied to the captured text). */
  public record SetBlock(String target, List<Stmt> body, List<Call> filters) implements Stmt {}

  /** {@code macro name(params)}…{@code endmacro}; defaults hold the parameters' default values. */
  public record Macro(String name, List<String> params, Map<String, Expr> defaults, List<Stmt> body)
      implements Stmt {}

  /** {@code break} (loopcontrols). */
  public record Break() implements Stmt {}

  /** {@code continue} (loopcontrols). */
  public record Continue() implements Stmt {}

  /** {@code filter name(args)}…{@code endfilter}. */
  public record FilterBlock(Call filter, List<Stmt> body) implements Stmt {}

  /** An expression evaluated for its effect ({@code do}). */
  public record CallStmt(Expr expr) implements Stmt {}

  /** An expression. */
  public sealed interface Expr
      permits Literal,
          Name,
          ListExpr,
          TupleExpr,
          DictExpr,
          GetAttr,
          GetItem,
          Slice,
          Call,
          Filter,
          Test,
          Unary,
          Binary,
          Compare,
          CondExpr {}

  /** A constant (string, number, boolean, none). */
  public record Literal(Object value) implements Expr {}

  /** A variable. */
  public record Name(String name) implements Expr {}

  /** {@code [a, b]}. */
  public record ListExpr(List<Expr> items) implements Expr {}

  /** {@code (a, b)}. */
  public record TupleExpr(List<Expr> items) implements Expr {}

  /** {@code {k: v}}. */
  public record DictExpr(List<Expr> keys, List<Expr> values) implements Expr {}

  /** {@code obj.name}. */
  public record GetAttr(Expr obj, String name) implements Expr {}

  /** {@code obj[key]}. */
  public record GetItem(Expr obj, Expr key) implements Expr {}

  /** {@code obj[start:stop:step]} (parts may be null). */
  public record Slice(Expr obj, Expr start, Expr stop, Expr step) implements Expr {}

  /** {@code fn(args, name=value)}; for filters and tests {@code fn} is the {@link Name}. */
  public record Call(Expr fn, List<Expr> args, Map<String, Expr> kwargs) implements Expr {}

  /** {@code value | name(args)}. */
  public record Filter(Expr value, String name, List<Expr> args, Map<String, Expr> kwargs)
      implements Expr {}

  /** {@code value is [not] name(args)}. */
  public record Test(Expr value, String name, List<Expr> args, boolean negated) implements Expr {}

  /** {@code not x}, {@code -x}, {@code +x}. */
  public record Unary(String op, Expr operand) implements Expr {}

  /** Arithmetic, concatenation and boolean operators: + - * / // % ** ~ and or. */
  public record Binary(String op, Expr left, Expr right) implements Expr {}

  /** A comparison chain {@code a < b <= c}: ops[i] between operands[i] and operands[i+1]. */
  public record Compare(List<Expr> operands, List<String> ops) implements Expr {}

  /** {@code a if test else b} ({@code otherwise} may be null: undefined). */
  public record CondExpr(Expr test, Expr then, Expr otherwise) implements Expr {}
}
