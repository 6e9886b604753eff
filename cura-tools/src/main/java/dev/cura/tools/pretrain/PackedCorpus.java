package dev.cura.tools.pretrain;

import dev.cura.engine.data.TextTokenizer;
import dev.cura.engine.train.Batch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;

/**
 * A plain-text corpus as one packed token stream: documents are separated by blank lines, each is
 * encoded as {@code <s> text </s>} and appended, and training windows of T tokens are cut from the
 * stream at random offsets (so windows cross document boundaries, as in GPT-style packing; the
 * model sees {@code </s> <s>} there and learns where documents end).
 *
 * <p>Every {@code heldOutEvery}-th document goes to a held-out stream instead, for the validation
 * loss; the split is by document, so no held-out text is ever trained on.
 */
public final class PackedCorpus {
  static final int MIN_SPAN = 3;
  static final int MAX_SPAN = 32;
  static final int MIN_OCCURRENCES = 2;
  static final int MAX_OCCURRENCES = 4;
  private static final Pattern DOCUMENT_BREAK = Pattern.compile("\\n\\s*\\n");

  private final int[] train; // the packed training stream
  private final int[] heldOut; // the packed held-out stream
  private final int documents;

  private PackedCorpus(int[] train, int[] heldOut, int documents) {
    this.train = train;
    this.heldOut = heldOut;
    this.documents = documents;
  }

  /**
   * Reads and encodes {@code file}. {@code progress} receives the number of documents done.
   *
   * @param heldOutEvery every n-th document (n ≥ 2) is held out; 0 holds out nothing
   */
  public static PackedCorpus read(
      Path file, TextTokenizer tokenizer, int heldOutEvery, IntConsumer progress)
      throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("expected a text corpus file, got " + file);
    }
    if (heldOutEvery == 1 || heldOutEvery < 0) {
      throw new IllegalArgumentException(
          "heldOutEvery must be 0 (none) or >= 2, got " + heldOutEvery);
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    String[] docs = DOCUMENT_BREAK.split(text);
    IntStream trainIds = new IntStream();
    IntStream heldIds = new IntStream();
    int n = 0;
    for (String doc : docs) {
      String d = doc.strip();
      if (d.isEmpty()) {
        continue;
      }
      n++;
      IntStream target = heldOutEvery > 0 && n % heldOutEvery == 0 ? heldIds : trainIds;
      target.add(tokenizer.bosId());
      for (long id : tokenizer.encode(d)) {
        target.add((int) id);
      }
      target.add(tokenizer.eosId());
      progress.accept(n);
    }
    return new PackedCorpus(trainIds.toArray(), heldIds.toArray(), n);
  }

  /** A corpus over given streams (tests). */
  public static PackedCorpus of(int[] train, int[] heldOut) {
    return new PackedCorpus(train.clone(), heldOut.clone(), 0);
  }

  public int documents() {
    return documents;
  }

  public int trainTokens() {
    return train.length;
  }

  public int heldOutTokens() {
    return heldOut.length;
  }

  /** B random training windows of T tokens, row-major [B, T], offsets drawn from {@code rng}. */
  public long[] sample(int batch, int length, SplittableRandom rng) {
    return sample(batch, length, 0, rng);
  }

  /**
   * B random training windows of T tokens, row-major [B, T]. A share {@code copyFraction} of them
   * become copy exercises: a span of {@value #MIN_SPAN}–{@value #MAX_SPAN} tokens drawn one by one
   * from random places of the stream (so it is word-like but unpredictable) is written into the
   * window {@value #MIN_OCCURRENCES}–{@value #MAX_OCCURRENCES} times at random, non-overlapping
   * places. After its first occurrence, a span's tokens can only be predicted by finding the
   * earlier occurrence and copying what followed it — the in-context copying that induction heads
   * do and that a reply needs to repeat a commenter's name; a corpus of a few million tokens is far
   * too small for it to emerge from plain text alone (cura-small: a copy probe at 7.4 nats/token
   * after 2.5M tokens, no better than guessing by word frequency). With {@code copyFraction} 0 the
   * windows, and what is drawn from {@code rng}, are those of plain sampling.
   */
  public long[] sample(int batch, int length, double copyFraction, SplittableRandom rng) {
    if (train.length < length) {
      throw new IllegalArgumentException(
          "the training stream has " + train.length + " tokens, fewer than seq-len " + length);
    }
    long[] out = new long[batch * length];
    for (int b = 0; b < batch; b++) {
      int start = rng.nextInt(train.length - length + 1);
      for (int t = 0; t < length; t++) {
        out[b * length + t] = train[start + t];
      }
      if (copyFraction > 0
          && length >= MAX_OCCURRENCES * MAX_SPAN
          && rng.nextDouble() < copyFraction) {
        int span = MIN_SPAN + rng.nextInt(MAX_SPAN - MIN_SPAN + 1);
        int times = MIN_OCCURRENCES + rng.nextInt(MAX_OCCURRENCES - MIN_OCCURRENCES + 1);
        plantSpan(out, b * length, length, randomSpan(train, span, rng), times, rng);
      }
    }
    return out;
  }

  /**
   * The copy probe: up to {@code max} held-out windows of T tokens (those of {@link
   * #heldOutWindows}), each with one span of {@code span} random held-out tokens written twice; the
   * labels are the second occurrence's tokens after its first (the ones copying predicts), all else
   * {@link Batch#IGNORE}. The same probe on every call (a fixed seed), so evaluations compare: its
   * loss falls from about the unigram entropy (no copying) towards 0 (perfect copying).
   */
  public Batch copyProbe(int length, int max, int span) {
    if (length < 2 * span) {
      throw new IllegalArgumentException(
          "a copy probe of span " + span + " needs windows of at least " + 2 * span + " tokens");
    }
    long[] ids = heldOutWindows(length, max);
    int n = ids.length / length;
    long[] labels = new long[ids.length];
    Arrays.fill(labels, Batch.IGNORE);
    SplittableRandom rng = new SplittableRandom(0xC0FFEEL);
    for (int w = 0; w < n; w++) {
      int[] at = plantSpan(ids, w * length, length, randomSpan(heldOut, span, rng), 2, rng);
      for (int i = 1; i < span; i++) {
        labels[w * length + at[1] + i] = ids[w * length + at[1] + i];
      }
    }
    return new Batch(ids, labels, n, length);
  }

  private static long[] randomSpan(int[] stream, int span, SplittableRandom rng) {
    long[] s = new long[span];
    for (int i = 0; i < span; i++) {
      s[i] = stream[rng.nextInt(stream.length)];
    }
    return s;
  }

  /**
   * Writes {@code span} {@code times} into window [{@code base}, {@code base + length}) at random
   * non-overlapping offsets, in increasing order; returns the offsets.
   */
  private static int[] plantSpan(
      long[] window, int base, int length, long[] span, int times, SplittableRandom rng) {
    int free = length - times * span.length; // slack to spread between the occurrences
    int[] gaps = new int[times];
    for (int i = 0; i < times; i++) {
      gaps[i] = rng.nextInt(free + 1);
    }
    Arrays.sort(gaps);
    int[] at = new int[times];
    for (int i = 0; i < times; i++) {
      at[i] = gaps[i] + i * span.length;
      System.arraycopy(span, 0, window, base + at[i], span.length);
    }
    return at;
  }

  /**
   * Up to {@code max} consecutive, non-overlapping held-out windows of T tokens, row-major [N, T]
   * (N = the returned length / T); the same windows on every call, so evaluations compare.
   */
  public long[] heldOutWindows(int length, int max) {
    int n = Math.min(max, heldOut.length / length);
    long[] out = new long[n * length];
    for (int i = 0; i < out.length; i++) {
      out[i] = heldOut[i];
    }
    return out;
  }

  /** A growable int array. */
  private static final class IntStream {
    private int[] a = new int[1 << 16];
    private int n;

    void add(int v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, a.length * 2);
      }
      a[n++] = v;
    }

    int[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }
}
