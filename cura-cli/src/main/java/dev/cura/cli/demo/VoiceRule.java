package dev.cura.cli.demo;

/**
 * One machine-checkable rule of the channel owner's voice (datasets/youtube-replies/README.md).
 * Each rule applies to a kind of comment and says what the reply must do.
 */
public enum VoiceRule {
  SHORT("short", "every reply: 1 to " + VoiceRules.MAX_REPLY_WORDS + " words"),
  SPAM_FIXED_REPLY("spam_fixed_reply", "spam: exactly \"" + VoiceRules.SPAM_REPLY + "\""),
  THANKS_BY_NAME("thanks_by_name", "not spam: starts with \"Thanks\", names @handle in 5 words"),
  KIND("kind", "not spam: no rude word, no shouted word, at most one '!'"),
  FEEDBACK_FOR_RUDE("feedback_for_rude", "rude: starts \"Thanks for the feedback, @handle.\""),
  ANSWERS_QUESTION(
      "answers_question", "question: \"Good question:\" + answer sharing a content word"),
  SIGNS_OFF("signs_off", "not spam: ends with \"" + VoiceRules.SIGN_OFF + "\"");

  private final String id;
  private final String description;

  VoiceRule(String id, String description) {
    this.id = id;
    this.description = description;
  }

  /** Stable snake_case name used in reports. */
  public String id() {
    return id;
  }

  /** One line: when the rule applies and what it asks. */
  public String description() {
    return description;
  }
}
