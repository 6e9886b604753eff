package dev.cura.tools.tokenizer;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * How often each pre-token (a {@link ByteLevel#PATTERN} match) occurs in a corpus: the input of
 * {@link BpeTrainer}. BPE never merges across pre-token boundaries, so counting distinct pre-tokens
 * once is all the corpus pass there is.
 */
public final class PreTokenCounts {
  private final Map<String, long[]> counts = new HashMap<>();
  private long total;

  /** Adds every pre-token of {@code text}. */
  public PreTokenCounts add(String text) {
    Matcher m = ByteLevel.PATTERN.matcher(text);
    while (m.find()) {
      counts.computeIfAbsent(m.group(), k -> new long[1])[0]++;
      total++;
    }
    return this;
  }

  /** Distinct pre-tokens. */
  public int distinct() {
    return counts.size();
  }

  /** All pre-tokens counted, with repetition. */
  public long total() {
    return total;
  }

  Map<String, long[]> counts() {
    return counts;
  }
}
