package dev.cura.tools.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The readable oracle for {@link BpeTrainer}: recounts every pair every step. */
final class NaiveBpeTrainer {
  private NaiveBpeTrainer() {}

  static List<int[]> merges(Map<String, Long> counts, int specials, int maxMerges, long minFreq) {
    List<List<Integer>> words = new ArrayList<>();
    List<Long> weights = new ArrayList<>();
    for (var e : new TreeMap<>(counts).entrySet()) {
      List<Integer> w = new ArrayList<>();
      for (byte b : e.getKey().getBytes(StandardCharsets.UTF_8)) {
        w.add(specials + (b & 0xFF));
      }
      words.add(w);
      weights.add(e.getValue());
    }
    List<int[]> merges = new ArrayList<>();
    while (merges.size() < maxMerges) {
      TreeMap<Long, Long> pairCounts = new TreeMap<>(); // key order = (left, right) order
      for (int i = 0; i < words.size(); i++) {
        List<Integer> w = words.get(i);
        for (int j = 0; j + 1 < w.size(); j++) {
          pairCounts.merge(BpeTrainer.key(w.get(j), w.get(j + 1)), weights.get(i), Long::sum);
        }
      }
      long bestKey = -1;
      long bestCount = 0;
      for (var e : pairCounts.entrySet()) {
        if (e.getValue() > bestCount) { // strict: the smallest key wins ties
          bestCount = e.getValue();
          bestKey = e.getKey();
        }
      }
      if (bestKey < 0 || bestCount < minFreq) {
        break;
      }
      int a = (int) (bestKey >>> 32);
      int b = (int) bestKey;
      int merged = specials + 256 + merges.size();
      merges.add(new int[] {a, b});
      for (List<Integer> w : words) {
        for (int j = 0; j + 1 < w.size(); j++) {
          if (w.get(j) == a && w.get(j + 1) == b) {
            w.set(j, merged);
            w.remove(j + 1);
          }
        }
      }
    }
    return merges;
  }
}
