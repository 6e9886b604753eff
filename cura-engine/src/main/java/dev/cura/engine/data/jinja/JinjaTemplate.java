package dev.cura.engine.data.jinja;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Jinja template rendered with Jinja2's semantics as transformers configures it for chat
 * templates (trim_blocks, lstrip_blocks, loopcontrols; Python values and string methods). Parse
 * once, render many times; {@code globals} are functions and constants visible to every render.
 */
public final class JinjaTemplate {
  /** A function callable from templates: positional and keyword arguments. */
  @FunctionalInterface
  public interface Function {
    Object call(List<Object> args, Map<String, Object> kwargs);
  }

  private final List<Node.Stmt> body;
  private final Map<String, Object> globals = new HashMap<>();

  /** Parses {@code source}; throws {@link TemplateException} when it is not valid Jinja. */
  public JinjaTemplate(String source) {
    this.body = Parser.parse(source);
    globals.put(
        "namespace",
        (Values.Callable)
            (args, kw) -> {
              Values.Namespace ns = new Values.Namespace();
              if (!args.isEmpty() && args.get(0) instanceof Map<?, ?> m) {
                m.forEach((k, v) -> ns.put(String.valueOf(k), v));
              }
              ns.putAll(kw);
              return ns;
            });
    globals.put("dict", (Values.Callable) Builtins::dict);
    globals.put(
        "range",
        (Values.Callable)
            (args, kw) -> {
              long start = args.size() > 1 ? Values.toLong(args.get(0)) : 0;
              long stop = Values.toLong(args.get(args.size() > 1 ? 1 : 0));
              long step = args.size() > 2 ? Values.toLong(args.get(2)) : 1;
              List<Object> out = new java.util.ArrayList<>();
              for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
                out.add(i);
              }
              return out;
            });
  }

  /** Makes {@code fn} callable as {@code name(...)} in every render. */
  public JinjaTemplate define(String name, Function fn) {
    globals.put(name, (Values.Callable) (args, kw) -> Values.wrap(fn.call(args, kw)));
    return this;
  }

  /** Renders with {@code vars} (Java maps, lists, strings, numbers, booleans, null = None). */
  public String render(Map<String, Object> vars) {
    return new Interpreter(globals, vars).render(body);
  }
}
