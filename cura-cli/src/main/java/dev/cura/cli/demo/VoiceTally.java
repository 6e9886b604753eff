package dev.cura.cli.demo;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Running totals of {@link VoiceVerdict}s over many replies: per rule, how often it was followed
 * where it applied; the mean score; the share of replies that follow every applicable rule.
 */
public final class VoiceTally {
  private final Map<VoiceRule, int[]> perRule = new EnumMap<>(VoiceRule.class); // {followed, n}
  private double scoreSum;
  private int replies;
  private int perfect;

  public void add(VoiceVerdict verdict) {
    verdict
        .results()
        .forEach(
            (rule, ok) -> {
              int[] c = perRule.computeIfAbsent(rule, r -> new int[2]);
              c[0] += ok ? 1 : 0;
              c[1]++;
            });
    scoreSum += verdict.score();
    replies++;
    perfect += verdict.allFollowed() ? 1 : 0;
  }

  public int replies() {
    return replies;
  }

  /** Mean of the per-reply scores, in [0, 1]; 0 when empty. */
  public double meanScore() {
    return replies == 0 ? 0 : scoreSum / replies;
  }

  /** Share of replies that follow every rule that applies to them. */
  public double allFollowedRate() {
    return replies == 0 ? 0 : (double) perfect / replies;
  }

  /** Followed / applied for one rule; NaN when it never applied. */
  public double rate(VoiceRule rule) {
    int[] c = perRule.get(rule);
    return c == null ? Double.NaN : (double) c[0] / c[1];
  }

  /** How many replies the rule applied to. */
  public int applied(VoiceRule rule) {
    int[] c = perRule.get(rule);
    return c == null ? 0 : c[1];
  }

  /** A small text table: one line per rule, then the mean score and the all-rules share. */
  public String format() {
    StringBuilder sb = new StringBuilder();
    for (VoiceRule rule : VoiceRule.values()) {
      int[] c = perRule.get(rule);
      if (c != null) {
        sb.append(
            String.format(
                Locale.ROOT,
                "  %-18s %5.1f%%  (%d/%d)%n",
                rule.id(),
                100.0 * c[0] / c[1],
                c[0],
                c[1]));
      }
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "  %-18s %5.1f%%  (mean over %d replies)%n",
            "score",
            100 * meanScore(),
            replies));
    sb.append(
        String.format(
            Locale.ROOT, "  %-18s %5.1f%%%n", "all rules followed", 100 * allFollowedRate()));
    return sb.toString();
  }
}
