package dev.cura.engine.data;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a Hugging Face chat template (Jinja, from tokenizer_config.json) with jinjava, the way
 * transformers' {@code apply_chat_template} calls it: variables {@code messages} (list of {role,
 * content}), {@code bos_token}, {@code eos_token}, {@code add_generation_prompt}.
 */
public final class ChatTemplate {
  private final String template;
  private final String bos;
  private final String eos;
  private final Jinjava jinja;

  public ChatTemplate(String template, String bos, String eos) {
    this.template = template;
    this.bos = bos == null ? "" : bos;
    this.eos = eos == null ? "" : eos;
    this.jinja = new Jinjava(JinjavaConfig.newBuilder().withTrimBlocks(false).build());
  }

  /** Renders {@code messages}; throws IllegalArgumentException with the template's error. */
  public String render(List<Conversation.Message> messages, boolean addGenerationPrompt) {
    List<Map<String, Object>> msgs = new ArrayList<>();
    for (Conversation.Message m : messages) {
      msgs.add(Map.of("role", m.role(), "content", m.content()));
    }
    Map<String, Object> ctx = new HashMap<>();
    ctx.put("messages", msgs);
    ctx.put("bos_token", bos);
    ctx.put("eos_token", eos);
    ctx.put("add_generation_prompt", addGenerationPrompt);
    RenderResult r = jinja.renderForResult(template, ctx);
    for (TemplateError e : r.getErrors()) {
      if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
        throw new IllegalArgumentException("chat template failed: " + e.getMessage());
      }
    }
    return r.getOutput();
  }
}
