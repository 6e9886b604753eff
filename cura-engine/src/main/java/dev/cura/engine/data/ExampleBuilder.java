package dev.cura.engine.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns records into token ids and loss masks.
 *
 * <ul>
 *   <li>prompt/completion: {@code [BOS] prompt completion [EOS]}, loss on completion + EOS;
 *   <li>chat with a template in tokenizer_config.json: the template renders the conversation; the
 *       loss covers each assistant message and the end-of-turn text after it ({@link
 *       ChatTemplate#renderWithSpans}); BOS is prepended unless the template wrote it;
 *   <li>chat without a template (CURA's documented default): {@code [BOS]}, then per message —
 *       system: "{content}\n\n"; user: "### User:\n{content}\n\n### Assistant:\n"; assistant:
 *       "{content}" [EOS] "\n\n" — with loss on the assistant content and its EOS.
 * </ul>
 *
 * Sequences longer than {@code seqLen} are truncated at the end.
 */
public final class ExampleBuilder {
  private final TextTokenizer tok;
  private final int seqLen;
  private final ChatTemplate template;

  public ExampleBuilder(TextTokenizer tok, int seqLen) {
    if (seqLen < 2) {
      throw new IllegalArgumentException("training.seq_len must be at least 2, got " + seqLen);
    }
    this.tok = tok;
    this.seqLen = seqLen;
    this.template =
        tok.chatTemplate() == null
            ? null
            : new ChatTemplate(tok.chatTemplate(), tok.bosToken(), tok.eosToken());
  }

  /** Tokenizes every record; records left without targets after truncation are dropped. */
  public List<Example> buildAll(List<Conversation> records) {
    List<Example> out = new ArrayList<>();
    for (Conversation c : records) {
      Example e = build(c);
      if (e.targets() > 0) {
        out.add(e);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "no record has a completion/assistant token within --seq-len " + seqLen);
    }
    return out;
  }

  public Example build(Conversation c) {
    Seq s = new Seq();
    if (c.plain()) {
      s.bos();
      s.add(tok.encode(c.messages().get(0).content()), false);
      s.add(tok.encode(c.messages().get(1).content()), true);
      s.eos(true);
    } else if (template != null) {
      templated(c, s);
    } else {
      s.bos();
      for (Conversation.Message m : c.messages()) {
        switch (m.role()) {
          case "system" -> s.add(tok.encode(m.content() + "\n\n"), false);
          case "user" ->
              s.add(tok.encode("### User:\n" + m.content() + "\n\n### Assistant:\n"), false);
          default -> {
            s.add(tok.encode(m.content()), true);
            s.eos(true);
            s.add(tok.encode("\n\n"), false);
          }
        }
      }
    }
    return s.toExample(c.line());
  }

  /** The prompt for generation: everything up to where the assistant would answer. */
  public long[] prompt(List<Conversation.Message> messages, boolean plain) {
    Seq s = new Seq();
    if (plain) {
      s.bos();
      s.add(tok.encode(messages.get(0).content()), false);
    } else if (template != null) {
      String text = template.render(messages, true);
      if (tok.bosId() >= 0 && !text.startsWith(tok.bosToken() == null ? "\0" : tok.bosToken())) {
        s.bos();
      }
      s.add(tok.encode(text), false);
    } else {
      s.bos();
      for (Conversation.Message m : messages) {
        if (m.role().equals("user")) {
          s.add(tok.encode("### User:\n" + m.content() + "\n\n### Assistant:\n"), false);
        } else {
          s.add(tok.encode(m.content() + "\n\n"), false);
        }
      }
    }
    return s.ids.stream().mapToLong(Long::longValue).toArray();
  }

  private void templated(Conversation c, Seq s) {
    ChatTemplate.Rendered r;
    try {
      r = template.renderWithSpans(c.messages(), java.util.Map.of());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("line " + c.line() + ": " + e.getMessage(), e);
    }
    String full = r.text();
    if (tok.bosId() >= 0 && (tok.bosToken() == null || !full.startsWith(tok.bosToken()))) {
      s.bos();
    }
    TextTokenizer.Encoded e = tok.encodeWithSpans(full);
    for (int i = 0; i < e.ids().length; i++) {
      boolean target = false;
      for (int[] sp : r.spans()) {
        target |= e.starts()[i] >= sp[0] && e.starts()[i] < sp[1];
      }
      s.add(new long[] {e.ids()[i]}, target);
    }
  }

  private final class Seq {
    final List<Long> ids = new ArrayList<>();
    final List<Boolean> target = new ArrayList<>();

    void bos() {
      if (tok.bosId() >= 0) {
        add(new long[] {tok.bosId()}, false);
      }
    }

    void eos(boolean t) {
      if (tok.eosId() >= 0) {
        add(new long[] {tok.eosId()}, t);
      }
    }

    void add(long[] part, boolean t) {
      for (long id : part) {
        ids.add(id);
        target.add(t);
      }
    }

    Example toExample(int line) {
      int n = Math.min(ids.size(), seqLen);
      long[] a = new long[n];
      boolean[] b = new boolean[n];
      for (int i = 0; i < n; i++) {
        a[i] = ids.get(i);
        b[i] = target.get(i);
      }
      return new Example(a, b, line);
    }
  }
}
