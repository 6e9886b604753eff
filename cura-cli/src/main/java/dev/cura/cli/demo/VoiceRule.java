package dev.cura.cli.demo;

import java.util.Locale;

/**
 * One machine-checkable rule of the channel owner's voice (datasets/youtube-replies/README.md).
 * Each rule applies to a kind of comment and says what the reply must do.
 */
public enum VoiceRule {
  SHORT("every reply: 1 to " + VoiceRules.MAX_REPLY_WORDS + " words"),
  SPAM_FIXED_REPLY("spam: exactly \"" + VoiceRules.SPAM_REPLY + "\""),
  THANKS_BY_NAME("not spam: starts with \"Thanks\", names @handle in 5 words"),
  KIND("not spam: no rude word, no shouted word, at most one '!'"),
  FEEDBACK_FOR_RUDE("rude: starts \"Thanks for the feedback, @handle.\""),
  ANSWERS_QUESTION("question: \"Good question:\" + answer sharing a content word"),
  SIGNS_OFF("not spam: ends with \"" + VoiceRules.SIGN_OFF + "\"");

  private final String description;

  VoiceRule(String description) {
    this.description = description;
  }

  /** Stable snake_case name used in reports: the constant's name in lower case. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** One line: when the rule applies and what it asks. */
  public String description() {
    return description;
  }
}
