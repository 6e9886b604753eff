package dev.cura.tools.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Learns byte-level BPE merges from pre-token counts.
 *
 * <p>Start: every distinct pre-token is a word of single-byte symbols, weighted by its count. Step:
 * the adjacent symbol pair with the highest weighted count is merged into a new symbol everywhere
 * (left to right within a word); ties go to the smaller (left id, right id). Stops at {@code
 * vocabSize} or when the best pair occurs fewer than {@code minFrequency} times.
 *
 * <p>Incremental: pair counts and, per pair, the words that contain it are kept up to date; a merge
 * only visits the words containing its pair and adjusts the counts of the neighbouring pairs. The
 * best pair comes from a max-heap with lazy deletion — a merge only ever lowers the counts of
 * existing pairs (new pairs contain the new symbol), so a popped entry whose count is stale is
 * pushed back with its current count. {@code NaiveBpeTrainer} in the tests recounts every pair
 * every step and must learn identical merges.
 */
public final class BpeTrainer {
  private final int vocabSize;
  private final List<String> specialTokens;
  private final long minFrequency;

  /**
   * @param vocabSize target size including the special tokens and the 256 byte tokens
   * @param specialTokens tokens given ids 0.. before the bytes; never produced by merges
   * @param minFrequency a pair must occur at least this often (weighted) to be merged
   */
  public BpeTrainer(int vocabSize, List<String> specialTokens, long minFrequency) {
    int floor = specialTokens.size() + 256;
    if (vocabSize < floor) {
      throw new IllegalArgumentException(
          "vocabSize must be at least %d (specials + 256 bytes), got %d"
              .formatted(floor, vocabSize));
    }
    if (minFrequency < 1) {
      throw new IllegalArgumentException("minFrequency must be >= 1, got " + minFrequency);
    }
    this.vocabSize = vocabSize;
    this.specialTokens = List.copyOf(specialTokens);
    this.minFrequency = minFrequency;
  }

  /** Learns the merges; {@code progress} gets the number of merges done after each one. */
  public BpeModel train(PreTokenCounts corpus, IntConsumer progress) {
    int offset = specialTokens.size();
    // words: distinct pre-tokens as symbol ids, sorted so the result never depends on hash order
    List<String> keys = new ArrayList<>(corpus.counts().keySet());
    keys.sort(null);
    int n = keys.size();
    int[][] symbols = new int[n][]; // [word][position], valid up to length[word]
    int[] length = new int[n];
    long[] weight = new long[n];
    for (int w = 0; w < n; w++) {
      byte[] bytes = keys.get(w).getBytes(StandardCharsets.UTF_8);
      symbols[w] = new int[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        symbols[w][i] = offset + (bytes[i] & 0xFF);
      }
      length[w] = bytes.length;
      weight[w] = corpus.counts().get(keys.get(w))[0];
    }

    Map<Long, PairStats> pairs = new HashMap<>();
    for (int w = 0; w < n; w++) {
      for (int i = 0; i + 1 < length[w]; i++) {
        pairs
            .computeIfAbsent(key(symbols[w][i], symbols[w][i + 1]), k -> new PairStats())
            .add(weight[w], w);
      }
    }
    PriorityQueue<long[]> heap = new PriorityQueue<>(BpeTrainer::byCountThenIds);
    pairs.forEach((k, s) -> heap.add(new long[] {s.count, k}));

    List<int[]> merges = new ArrayList<>();
    int[] seenAt = new int[n]; // last merge (1-based) that visited the word: dedupes word lists
    int target = vocabSize - offset - 256;
    while (merges.size() < target && !heap.isEmpty()) {
      long[] top = heap.poll();
      PairStats stats = pairs.get(top[1]);
      long current = stats == null ? 0 : stats.count;
      if (current != top[0]) {
        if (current > 0) {
          heap.add(new long[] {current, top[1]});
        }
        continue;
      }
      if (current < minFrequency) {
        break;
      }
      int a = (int) (top[1] >>> 32);
      int b = (int) top[1];
      int merged = offset + 256 + merges.size();
      merges.add(new int[] {a, b});
      int stamp = merges.size();
      Set<Long> created = new LinkedHashSet<>();
      for (int j = 0; j < stats.words.size; j++) {
        int w = stats.words.data[j];
        if (seenAt[w] == stamp) {
          continue;
        }
        seenAt[w] = stamp;
        mergeInWord(symbols[w], length, w, weight[w], a, b, merged, pairs, created);
      }
      pairs.remove(top[1]);
      for (long k : created) {
        PairStats s = pairs.get(k);
        if (s != null && s.count > 0) {
          heap.add(new long[] {s.count, k});
        }
      }
      progress.accept(merges.size());
    }
    return new BpeModel(specialTokens, merges);
  }

  /** Replaces every (a, b) in one word by {@code merged}, updating neighbour pair counts. */
  private static void mergeInWord(
      int[] s,
      int[] length,
      int w,
      long f,
      int a,
      int b,
      int merged,
      Map<Long, PairStats> pairs,
      Set<Long> created) {
    int len = length[w];
    int i = 0;
    while (i + 1 < len) {
      if (s[i] != a || s[i + 1] != b) {
        i++;
        continue;
      }
      if (i > 0) {
        decrement(pairs, key(s[i - 1], a), f);
        increment(pairs, key(s[i - 1], merged), f, w, created);
      }
      if (i + 2 < len) {
        decrement(pairs, key(b, s[i + 2]), f);
        increment(pairs, key(merged, s[i + 2]), f, w, created);
      }
      s[i] = merged;
      System.arraycopy(s, i + 2, s, i + 1, len - i - 2);
      len--;
      i++;
    }
    length[w] = len;
  }

  private static void decrement(Map<Long, PairStats> pairs, long k, long f) {
    PairStats s = pairs.get(k);
    if (s != null) {
      s.count -= f; // the word stays in s.words; a stale entry is skipped when its pair is merged
    }
  }

  private static void increment(
      Map<Long, PairStats> pairs, long k, long f, int w, Set<Long> created) {
    pairs.computeIfAbsent(k, x -> new PairStats()).add(f, w);
    created.add(k);
  }

  static long key(int left, int right) {
    return ((long) left << 32) | (right & 0xFFFFFFFFL);
  }

  /** Heap order: higher count first, then smaller (left, right) — the same tie-break as naive. */
  static int byCountThenIds(long[] x, long[] y) {
    int c = Long.compare(y[0], x[0]);
    return c != 0 ? c : Long.compare(x[1], y[1]);
  }

  /** Weighted count of a pair and the words it (may) occur in. */
  private static final class PairStats {
    long count;
    final IntList words = new IntList();

    void add(long f, int word) {
      count += f;
      if (words.size == 0 || words.data[words.size - 1] != word) {
        words.add(word);
      }
    }
  }

  private static final class IntList {
    int[] data = new int[2];
    int size;

    void add(int v) {
      if (size == data.length) {
        data = java.util.Arrays.copyOf(data, size * 2);
      }
      data[size++] = v;
    }
  }
}
