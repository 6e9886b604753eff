package dev.cura.engine.data.jinja;

import static dev.cura.engine.data.jinja.Values.UNDEFINED;

import dev.cura.engine.data.jinja.Node.Expr;
import dev.cura.engine.data.jinja.Node.Stmt;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a parsed template with Jinja2's semantics: Python values and truthiness, block scoping
 * (assignments inside a for loop or macro stay there; {@code namespace()} attributes cross), the
 * {@code loop} object, and undefined values that render as empty strings.
 */
final class Interpreter {
  private static final class BreakSignal extends RuntimeException {
    BreakSignal() {
      super(null, null, false, false);
    }
  }

  private static final class ContinueSignal extends RuntimeException {
    ContinueSignal() {
      super(null, null, false, false);
    }
  }

  private final Deque<Map<String, Object>> scopes = new ArrayDeque<>();

  Interpreter(Map<String, Object> globals, Map<String, Object> vars) {
    scopes.push(new HashMap<>(globals));
    Map<String, Object> top = new HashMap<>();
    vars.forEach((k, v) -> top.put(k, Values.wrap(v)));
    scopes.push(top);
  }

  String render(List<Stmt> body) {
    StringBuilder out = new StringBuilder();
    exec(body, out);
    return out.toString();
  }

  private void exec(List<Stmt> body, StringBuilder out) {
    for (Stmt s : body) {
      exec(s, out);
    }
  }

  private void exec(Stmt s, StringBuilder out) {
    switch (s) {
      case Node.Text t -> out.append(t.text());
      case Node.Output o -> out.append(Values.str(eval(o.expr())));
      case Node.If i -> {
        for (int k = 0; k < i.tests().size(); k++) {
          if (Values.truthy(eval(i.tests().get(k)))) {
            exec(i.bodies().get(k), out);
            return;
          }
        }
        exec(i.otherwise(), out);
      }
      case Node.For f -> loop(f, out);
      case Node.Set st -> {
        Object v = eval(st.value());
        if (st.attribute() != null) {
          Object ns = lookup(st.targets().get(0));
          if (!(ns instanceof Values.Namespace n)) {
            throw new TemplateException(
                "cannot assign attribute on non-namespace object " + st.targets().get(0));
          }
          n.put(st.attribute(), v);
        } else {
          assign(st.targets(), v);
        }
      }
      case Node.SetBlock sb -> {
        StringBuilder captured = new StringBuilder();
        exec(sb.body(), captured);
        Object v = captured.toString();
        for (Node.Call f : sb.filters()) {
          v = Builtins.filter(this, ((Node.Name) f.fn()).name(), v, args(f.args()), kwargs(f));
        }
        scopes.peek().put(sb.target(), v);
      }
      case Node.Macro m -> scopes.peek().put(m.name(), macro(m));
      case Node.Break b -> throw new BreakSignal();
      case Node.Continue c -> throw new ContinueSignal();
      case Node.FilterBlock fb -> {
        StringBuilder captured = new StringBuilder();
        exec(fb.body(), captured);
        String name = ((Node.Name) fb.filter().fn()).name();
        out.append(
            Values.str(
                Builtins.filter(
                    this,
                    name,
                    captured.toString(),
                    args(fb.filter().args()),
                    kwargs(fb.filter()))));
      }
      case Node.CallStmt c -> eval(c.expr());
    }
  }

  private void loop(Node.For f, StringBuilder out) {
    List<Object> items = new ArrayList<>();
    Object iterable = eval(f.iter());
    if (iterable instanceof Map<?, ?> m && !(iterable instanceof Values.Namespace)) {
      items.addAll(m.keySet());
    } else {
      items.addAll(Values.iterate(iterable));
    }
    if (f.filter() != null) {
      List<Object> kept = new ArrayList<>();
      for (Object item : items) {
        scopes.push(new HashMap<>());
        try {
          assign(f.targets(), item);
          if (Values.truthy(eval(f.filter()))) {
            kept.add(item);
          }
        } finally {
          scopes.pop();
        }
      }
      items = kept;
    }
    if (items.isEmpty()) {
      exec(f.otherwise(), out);
      return;
    }
    int n = items.size();
    for (int i = 0; i < n; i++) {
      Map<String, Object> scope = new HashMap<>();
      scopes.push(scope);
      try {
        assign(f.targets(), items.get(i));
        scope.put("loop", loopInfo(items, i));
        exec(f.body(), out);
      } catch (ContinueSignal c) {
        // next iteration
      } catch (BreakSignal b) {
        break;
      } finally {
        scopes.pop();
      }
    }
  }

  private static Map<String, Object> loopInfo(List<Object> items, int i) {
    int n = items.size();
    Map<String, Object> loop = new LinkedHashMap<>();
    loop.put("index", (long) i + 1);
    loop.put("index0", (long) i);
    loop.put("revindex", (long) (n - i));
    loop.put("revindex0", (long) (n - i - 1));
    loop.put("first", i == 0);
    loop.put("last", i == n - 1);
    loop.put("length", (long) n);
    loop.put("previtem", i > 0 ? items.get(i - 1) : UNDEFINED);
    loop.put("nextitem", i < n - 1 ? items.get(i + 1) : UNDEFINED);
    loop.put(
        "cycle",
        (Values.Callable) (args, kw) -> args.isEmpty() ? UNDEFINED : args.get(i % args.size()));
    return loop;
  }

  private void assign(List<String> targets, Object v) {
    if (targets.size() == 1) {
      scopes.peek().put(targets.get(0), v);
      return;
    }
    List<Object> parts = Values.iterate(v);
    if (parts.size() != targets.size()) {
      throw new TemplateException(
          "cannot unpack " + parts.size() + " values into " + targets.size() + " names");
    }
    for (int i = 0; i < targets.size(); i++) {
      scopes.peek().put(targets.get(i), parts.get(i));
    }
  }

  private Values.Callable macro(Node.Macro m) {
    return (args, kwargs) -> {
      Map<String, Object> scope = new HashMap<>();
      for (int i = 0; i < m.params().size(); i++) {
        String p = m.params().get(i);
        Object v;
        if (i < args.size()) {
          v = args.get(i);
        } else if (kwargs.containsKey(p)) {
          v = kwargs.get(p);
        } else if (m.defaults().containsKey(p)) {
          v = eval(m.defaults().get(p));
        } else {
          v = UNDEFINED;
        }
        scope.put(p, v);
      }
      scopes.push(scope);
      try {
        StringBuilder out = new StringBuilder();
        exec(m.body(), out);
        return out.toString();
      } finally {
        scopes.pop();
      }
    };
  }

  Object lookup(String name) {
    for (Map<String, Object> s : scopes) {
      if (s.containsKey(name)) {
        return s.get(name);
      }
    }
    return UNDEFINED;
  }

  Object eval(Expr e) {
    return switch (e) {
      case Node.Literal l -> l.value();
      case Node.Name n -> lookup(n.name());
      case Node.ListExpr l -> new ArrayList<>(args(l.items()));
      case Node.TupleExpr t -> new ArrayList<>(args(t.items()));
      case Node.DictExpr d -> {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < d.keys().size(); i++) {
          m.put(Values.str(eval(d.keys().get(i))), eval(d.values().get(i)));
        }
        yield m;
      }
      case Node.GetAttr g -> Builtins.getAttr(eval(g.obj()), g.name(), describe(g.obj()));
      case Node.GetItem g -> Builtins.getItem(eval(g.obj()), eval(g.key()), describe(g.obj()));
      case Node.Slice s ->
          Builtins.slice(
              eval(s.obj()), optional(s.start()), optional(s.stop()), optional(s.step()));
      case Node.Call c -> {
        Object fn = eval(c.fn());
        if (!(fn instanceof Values.Callable callable)) {
          throw new TemplateException(describe(c.fn()) + " is not callable");
        }
        yield callable.call(args(c.args()), kwargs(c));
      }
      case Node.Filter f -> {
        Map<String, Object> kw = new LinkedHashMap<>();
        f.kwargs().forEach((k, v) -> kw.put(k, eval(v)));
        yield Builtins.filter(this, f.name(), eval(f.value()), args(f.args()), kw);
      }
      case Node.Test t -> {
        boolean r = Builtins.test(this, t.name(), eval(t.value()), args(t.args()));
        yield t.negated() != r;
      }
      case Node.Unary u -> {
        Object v = eval(u.operand());
        yield switch (u.op()) {
          case "not" -> !Values.truthy(v);
          case "-" -> v instanceof Double d ? -d : (Object) (-Values.toLong(v));
          default -> v;
        };
      }
      case Node.Binary b -> binary(b);
      case Node.Compare c -> {
        Object left = eval(c.operands().get(0));
        for (int i = 0; i < c.ops().size(); i++) {
          Object right = eval(c.operands().get(i + 1));
          if (!Builtins.compare(c.ops().get(i), left, right)) {
            yield false;
          }
          left = right;
        }
        yield true;
      }
      case Node.CondExpr c ->
          Values.truthy(eval(c.test()))
              ? eval(c.then())
              : c.otherwise() == null ? UNDEFINED : eval(c.otherwise());
    };
  }

  private Object binary(Node.Binary b) {
    if (b.op().equals("and")) {
      Object l = eval(b.left());
      return Values.truthy(l) ? eval(b.right()) : l;
    }
    if (b.op().equals("or")) {
      Object l = eval(b.left());
      return Values.truthy(l) ? l : eval(b.right());
    }
    return Builtins.arithmetic(b.op(), eval(b.left()), eval(b.right()));
  }

  private Object optional(Expr e) {
    return e == null ? null : eval(e);
  }

  List<Object> args(List<Expr> exprs) {
    List<Object> out = new ArrayList<>();
    for (Expr x : exprs) {
      out.add(eval(x));
    }
    return out;
  }

  private Map<String, Object> kwargs(Node.Call c) {
    Map<String, Object> kw = new LinkedHashMap<>();
    c.kwargs().forEach((k, v) -> kw.put(k, eval(v)));
    return kw;
  }

  private static String describe(Expr e) {
    return switch (e) {
      case Node.Name n -> "'" + n.name() + "'";
      case Node.GetAttr g -> describe(g.obj()) + "." + g.name();
      default -> "value";
    };
  }
}
