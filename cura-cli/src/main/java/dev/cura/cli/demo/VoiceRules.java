package dev.cura.cli.demo;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The voice rules of the youtube-replies data set, as code: given a comment ({@code "@handle:
 * text"}) and a reply, says which rules apply and which the reply follows.
 *
 * <p>Comment kinds (a comment can be several, except that spam is only spam): <b>spam</b> — the
 * lower-cased text contains one of {@link #SPAM_MARKERS}; <b>rude</b> — one of its words (runs of
 * letters, lower-cased) is in {@link #RUDE_WORDS}; <b>question</b> — it contains {@code '?'}. The
 * data set generator (datasets/youtube-replies/Generate.java) uses the same lists and checks its
 * output with the same rules, so the data set's own replies score 1.0.
 */
public final class VoiceRules {
  public static final int MAX_REPLY_WORDS = 20;
  public static final String SPAM_REPLY = "No links or promos here, please.";
  public static final String SIGN_OFF = "~Jo";
  public static final String ANSWER_MARKER = "Good question:";

  public static final Set<String> RUDE_WORDS =
      Set.of(
          "boring",
          "trash",
          "garbage",
          "worst",
          "stupid",
          "awful",
          "terrible",
          "waste",
          "cringe",
          "useless",
          "lame",
          "annoying",
          "unsubscribed",
          "dumb",
          "rubbish",
          "hate");
  public static final List<String> SPAM_MARKERS =
      List.of(
          "http",
          "www.",
          ".com",
          "check out my channel",
          "sub to my channel",
          "sub back",
          "dm me",
          "giveaway",
          "crypto",
          "promo code",
          "earn $");

  /** Words too common to show that an answer is about the question asked. */
  static final Set<String> STOPWORDS =
      Set.of(
          "what",
          "which",
          "when",
          "where",
          "does",
          "your",
          "with",
          "that",
          "this",
          "have",
          "from",
          "about",
          "there",
          "they",
          "them",
          "then",
          "than",
          "will",
          "would",
          "could",
          "should",
          "just",
          "like",
          "make",
          "made",
          "really",
          "very",
          "also",
          "into",
          "more",
          "some",
          "only",
          "know",
          "quick",
          "question",
          "sorry",
          "obvious",
          "genuine",
          "anyway",
          "long",
          "time",
          "first",
          "been",
          "here",
          "every",
          "video",
          "thanks",
          "good",
          "hey",
          "great",
          "need",
          "want",
          "many",
          "much",
          "well",
          "even",
          "other",
          "after",
          "before",
          "their",
          "these",
          "those",
          "were",
          "being",
          "because");

  private static final Pattern LETTERS = Pattern.compile("[^\\p{L}]+");
  private static final Pattern CONTENT_SPLIT = Pattern.compile("[^\\p{L}\\p{N}]+");
  private static final Pattern SHOUT = Pattern.compile("\\b\\p{Lu}{3,}\\b");

  private VoiceRules() {}

  /** Checks one reply against the rules that apply to its comment. */
  public static VoiceVerdict check(String comment, String reply) {
    String handle = handle(comment);
    String body = body(comment);
    String r = reply == null ? "" : reply.strip();
    Map<VoiceRule, Boolean> results = new EnumMap<>(VoiceRule.class);
    int words = wordCount(r);
    results.put(VoiceRule.SHORT, words >= 1 && words <= MAX_REPLY_WORDS);
    if (isSpam(body)) {
      results.put(VoiceRule.SPAM_FIXED_REPLY, r.equals(SPAM_REPLY));
      return new VoiceVerdict(results);
    }
    results.put(VoiceRule.THANKS_BY_NAME, r.startsWith("Thanks") && namesEarly(r, handle));
    results.put(VoiceRule.KIND, isKind(r));
    if (isRude(body)) {
      String expected = "Thanks for the feedback, " + (handle == null ? "" : handle + ".");
      results.put(VoiceRule.FEEDBACK_FOR_RUDE, r.startsWith(expected));
    }
    if (isQuestion(body)) {
      results.put(VoiceRule.ANSWERS_QUESTION, answers(body, r));
    }
    results.put(VoiceRule.SIGNS_OFF, r.endsWith(SIGN_OFF));
    return new VoiceVerdict(results);
  }

  /** The {@code @handle} before the first {@code ": "}, or null when the comment has none. */
  public static String handle(String comment) {
    int colon = comment.indexOf(": ");
    return comment.startsWith("@") && colon > 1 ? comment.substring(0, colon) : null;
  }

  /** The comment text after the handle. */
  public static String body(String comment) {
    return handle(comment) == null ? comment : comment.substring(comment.indexOf(": ") + 2);
  }

  public static boolean isSpam(String text) {
    String t = text.toLowerCase(Locale.ROOT);
    return SPAM_MARKERS.stream().anyMatch(t::contains);
  }

  public static boolean isRude(String text) {
    for (String w : LETTERS.split(text.toLowerCase(Locale.ROOT))) {
      if (RUDE_WORDS.contains(w)) {
        return true;
      }
    }
    return false;
  }

  public static boolean isQuestion(String text) {
    return text.indexOf('?') >= 0;
  }

  static int wordCount(String s) {
    return s.isBlank() ? 0 : s.trim().split("\\s+").length;
  }

  private static boolean namesEarly(String reply, String handle) {
    if (handle == null) {
      return true; // nothing to name
    }
    String[] words = reply.split("\\s+");
    for (int i = 0; i < Math.min(5, words.length); i++) {
      if (words[i].replaceAll("[,.!?;:]+$", "").equals(handle)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isKind(String reply) {
    long bangs = reply.chars().filter(c -> c == '!').count();
    return !isRude(reply) && !SHOUT.matcher(reply).find() && bangs <= 1;
  }

  private static boolean answers(String body, String reply) {
    int at = reply.indexOf(ANSWER_MARKER);
    if (at < 0) {
      return false;
    }
    String answer = reply.substring(at + ANSWER_MARKER.length());
    if (wordCount(answer.replace(SIGN_OFF, "")) < 3) {
      return false;
    }
    Set<String> asked = contentWords(body);
    return contentWords(answer).stream().anyMatch(asked::contains);
  }

  /** Lower-cased words of 4+ letters/digits, not stopwords, with a plural 's' stripped. */
  static Set<String> contentWords(String text) {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (String w : CONTENT_SPLIT.split(text.toLowerCase(Locale.ROOT))) {
      if (w.length() >= 4 && !STOPWORDS.contains(w)) {
        out.add(w.length() > 4 && w.endsWith("s") ? w.substring(0, w.length() - 1) : w);
      }
    }
    return out;
  }
}
