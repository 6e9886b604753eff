package dev.cura.engine.data;

import dev.cura.engine.data.jinja.JinjaTemplate;
import dev.cura.engine.data.jinja.TemplateException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Renders a Hugging Face chat template (Jinja, from tokenizer_config.json) byte for byte as
 * transformers' {@code apply_chat_template} renders it with Jinja2 ({@link JinjaTemplate}:
 * trim_blocks and lstrip_blocks on, Python values and string methods): {@code raise_exception(msg)}
 * fails the render with msg, {@code strftime_now(fmt)} formats the clock, and the variables are
 * {@code messages} (list of {role, content}), {@code add_generation_prompt}, {@code tools} and
 * {@code documents} (None), the special tokens the tokenizer has ({@code bos_token}, {@code
 * eos_token}) and any extra keyword (date_string, enable_thinking, …).
 */
public final class ChatTemplate {
  private final JinjaTemplate template;
  private final String bos;
  private final String eos;

  public ChatTemplate(String template, String bos, String eos) {
    this(template, bos, eos, LocalDateTime::now);
  }

  /** With a clock for {@code strftime_now} (tests fix it). */
  public ChatTemplate(String template, String bos, String eos, Supplier<LocalDateTime> clock) {
    try {
      this.template = new JinjaTemplate(template);
    } catch (TemplateException e) {
      throw new IllegalArgumentException("chat template does not parse: " + e.getMessage(), e);
    }
    this.template.define(
        "raise_exception",
        (args, kw) -> {
          throw new TemplateException(args.isEmpty() ? "" : String.valueOf(args.get(0)));
        });
    this.template.define(
        "strftime_now", (args, kw) -> Strftime.format(clock.get(), String.valueOf(args.get(0))));
    this.bos = bos;
    this.eos = eos;
  }

  /**
   * The rendered conversation and the character spans [start, end) the assistant-only loss covers:
   * each assistant message's text and the end-of-turn marker the template writes after it.
   */
  public record Rendered(String text, List<int[]> spans) {}

  /**
   * Renders {@code messages} and finds each assistant message's span. Where the template renders
   * prefix by prefix (the conversation up to the reply with the generation prompt is a prefix of
   * the whole, and so is the conversation through the reply), the span is exactly what the reply
   * adds. Templates that render a turn differently once later turns follow (Qwen3 drops earlier
   * reasoning; Mistral v0.3 moves the system prompt to the last user turn) are matched by the
   * reply's text, searched in order, plus the end-of-turn text the template writes after it.
   */
  public Rendered renderWithSpans(List<Conversation.Message> messages, Map<String, Object> extra) {
    String full = render(messages, false, extra);
    List<int[]> spans = new ArrayList<>();
    int cursor = 0;
    for (int i = 0; i < messages.size(); i++) {
      Conversation.Message m = messages.get(i);
      if (!m.role().equals("assistant")) {
        continue;
      }
      String through = render(messages.subList(0, i + 1), false, extra);
      String before = render(messages.subList(0, i), true, extra);
      int[] span;
      if (full.startsWith(before)
          && full.startsWith(through)
          && through.length() > before.length()
          && before.length() >= cursor) {
        span = new int[] {before.length(), through.length()};
      } else {
        span = search(full, through, m.content(), cursor);
      }
      spans.add(span);
      cursor = span[1];
    }
    return new Rendered(full, spans);
  }

  private static int[] search(String full, String through, String content, int cursor) {
    List<String> candidates = new ArrayList<>(List.of(content, content.strip()));
    int think = content.lastIndexOf("</think>");
    if (think >= 0) {
      // reasoning templates drop the reasoning of earlier turns and keep the answer
      candidates.add(content.substring(think + "</think>".length()).strip());
    }
    int best = -1;
    String found = null;
    for (String text : candidates) {
      int at = text.isEmpty() ? -1 : full.indexOf(text, cursor);
      if (at >= 0 && through.contains(text) && (best < 0 || at < best)) {
        best = at;
        found = text;
      }
    }
    if (found != null) {
      String tail = through.substring(through.lastIndexOf(found) + found.length());
      int end = best + found.length();
      int k = 0;
      while (k < tail.length()
          && end + k < full.length()
          && full.charAt(end + k) == tail.charAt(k)) {
        k++;
      }
      // the end-of-turn text ends where the next turn's begins: never stop inside a marker
      while (k > 0 && k < tail.length() && "\n>".indexOf(tail.charAt(k - 1)) < 0) {
        k--;
      }
      return new int[] {best, end + k};
    }
    throw new IllegalArgumentException(
        "cannot find the assistant message \""
            + content.replace("\n", "\\n")
            + "\" in the rendered chat after position "
            + cursor);
  }

  /** Renders {@code messages}; throws IllegalArgumentException with the template's error. */
  public String render(List<Conversation.Message> messages, boolean addGenerationPrompt) {
    return render(messages, addGenerationPrompt, Map.of());
  }

  /** As above with extra template variables (date_string, enable_thinking, …). */
  public String render(
      List<Conversation.Message> messages, boolean addGenerationPrompt, Map<String, Object> extra) {
    List<Map<String, Object>> msgs = new ArrayList<>();
    for (Conversation.Message m : messages) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("role", m.role());
      o.put("content", m.content());
      msgs.add(o);
    }
    Map<String, Object> vars = new HashMap<>(extra);
    vars.put("messages", msgs);
    vars.put("tools", null);
    vars.put("documents", null);
    vars.put("add_generation_prompt", addGenerationPrompt);
    if (bos != null) {
      vars.put("bos_token", bos);
    }
    if (eos != null) {
      vars.put("eos_token", eos);
    }
    try {
      return template.render(vars);
    } catch (TemplateException e) {
      throw new IllegalArgumentException("chat template failed: " + e.getMessage(), e);
    }
  }
}
