package dev.cura.cli.demo;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What {@link VoiceRules#check} found for one (comment, reply) pair: for every rule that applies to
 * the comment, whether the reply follows it. {@code score = followed / applicable}, in [0, 1].
 */
public record VoiceVerdict(Map<VoiceRule, Boolean> results) {

  public VoiceVerdict {
    results = Collections.unmodifiableMap(new EnumMap<>(results));
  }

  /** Rules that apply to this comment. */
  public int applicable() {
    return results.size();
  }

  /** Applicable rules the reply follows. */
  public int followed() {
    return (int) results.values().stream().filter(b -> b).count();
  }

  /** followed / applicable; 1 when no rule applies (never the case: {@code short} always does). */
  public double score() {
    return applicable() == 0 ? 1.0 : (double) followed() / applicable();
  }

  /** True when the reply follows every applicable rule. */
  public boolean allFollowed() {
    return followed() == applicable();
  }

  /** Whether {@code rule} applies and is followed; false when it does not apply. */
  public boolean follows(VoiceRule rule) {
    return results.getOrDefault(rule, false);
  }
}
