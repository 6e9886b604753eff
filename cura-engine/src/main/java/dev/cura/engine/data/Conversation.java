package dev.cura.engine.data;

import java.util.List;

/**
 * One training record: chat messages (roles system, user, assistant) — the loss covers assistant
 * messages — or a prompt/completion pair, stored as a user and an assistant message with {@code
 * plain} set (no template: the text is prompt + completion).
 *
 * @param messages in order
 * @param plain prompt/completion (rendered without a chat template)
 * @param line 1-based line in the JSONL file
 */
public record Conversation(List<Message> messages, boolean plain, int line) {
  /** A chat message. */
  public record Message(String role, String content) {}

  public Conversation {
    messages = List.copyOf(messages);
  }
}
