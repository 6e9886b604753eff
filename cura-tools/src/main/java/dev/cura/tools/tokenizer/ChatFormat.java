package dev.cura.tools.tokenizer;

import java.util.List;

/**
 * The special tokens and chat template of CURA's own tokenizers (models/cura-tiny).
 *
 * <p>Rendered conversation, for messages m1..mn (roles system | user | assistant):
 *
 * <pre>
 * &lt;s&gt;&lt;|user|&gt;\n{m1.content}&lt;/s&gt;\n&lt;|assistant|&gt;\n{m2.content}&lt;/s&gt;\n
 * </pre>
 *
 * and, with {@code add_generation_prompt}, a trailing {@code <|assistant|>\n}. Each role marker is
 * one special token; the {@code \n} after it is always its own token ('Ċ', because the byte-level
 * pre-tokenizer splits a newline from a following word). So an assistant turn is located in the ids
 * as: token {@link #ASSISTANT} followed by the newline token, then the content tokens up to and
 * including the next {@link #EOS} — those content tokens and that {@code </s>} are the ones trained
 * on; the model learns to end its turn with {@code </s>}.
 */
public final class ChatFormat {
  public static final String UNK = "<unk>";
  public static final String BOS = "<s>";
  public static final String EOS = "</s>";
  public static final String PAD = "<pad>";
  public static final String SYSTEM = "<|system|>";
  public static final String USER = "<|user|>";
  public static final String ASSISTANT = "<|assistant|>";

  /** In id order: {@code <unk>}=0, {@code <s>}=1, {@code </s>}=2, {@code <pad>}=3, roles 4..6. */
  public static final List<String> SPECIAL_TOKENS =
      List.of(UNK, BOS, EOS, PAD, SYSTEM, USER, ASSISTANT);

  /**
   * Jinja chat template (Hugging Face {@code chat_template}); renders as in the class doc under
   * transformers' Jinja2 settings (no newline follows a {@code %}}, so trim_blocks leaves the text
   * as written).
   */
  public static final String CHAT_TEMPLATE =
      "{{ bos_token }}{% for message in messages %}<|{{ message['role'] }}|>\n"
          + "{{ message['content'] }}{{ eos_token }}\n{% endfor %}"
          + "{% if add_generation_prompt %}<|assistant|>\n{% endif %}";

  private ChatFormat() {}
}
