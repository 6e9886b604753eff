package dev.cura.cli.demo;

import java.util.List;
import java.util.Locale;

/**
 * What a YouTube comment of the data set is, for choosing which replies the demo shows side by side
 * (one of each kind). Spam, rude and question are the voice rules' own detectors ({@link
 * VoiceRules}); among the rest, a greeting is a short hello ("First!", "Hello from Kraków!"), a
 * suggestion asks for a video or more content, and everything else is praise (including success
 * stories).
 */
public enum CommentKind {
  QUESTION("question"),
  RUDE("rude"),
  SPAM("spam"),
  PRAISE("praise"),
  SUGGESTION("suggestion"),
  GREETING("greeting");

  private static final List<String> SUGGESTION_MARKERS =
      List.of("please do", "would love a", "you should do", "videos please", "next!");
  private static final List<String> GREETING_MARKERS =
      List.of("first!", "early today", "hello from", "watching from", "nice.", "love this channel");

  private final String id;

  CommentKind(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** The kind of {@code comment} ({@code "@handle: text"} or just the text). */
  public static CommentKind of(String comment) {
    String body = VoiceRules.body(comment);
    if (VoiceRules.isSpam(body)) {
      return SPAM;
    }
    if (VoiceRules.isRude(body)) {
      return RUDE;
    }
    if (VoiceRules.isQuestion(body)) {
      return QUESTION;
    }
    String t = body.toLowerCase(Locale.ROOT);
    if (SUGGESTION_MARKERS.stream().anyMatch(t::contains)) {
      return SUGGESTION;
    }
    if (VoiceRules.wordCount(body) <= 6 && GREETING_MARKERS.stream().anyMatch(t::contains)) {
      return GREETING;
    }
    return PRAISE;
  }
}
