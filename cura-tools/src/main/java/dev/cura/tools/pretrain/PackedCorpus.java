package dev.cura.tools.pretrain;

import dev.cura.engine.data.TextTokenizer;
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
  static final int MIN_SPAN = 4;
  static final int MAX_SPAN = 32;
  static final int MAX_COPIES = 2;
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
   * become copy exercises: one to {@value #MAX_COPIES} spans of {@value #MIN_SPAN}–{@value
   * #MAX_SPAN} tokens of the window are written again later in it, so their continuations can only
   * be predicted by finding the earlier occurrence and copying from it (the in-context copying that
   * induction heads do, which a reply needs to repeat a commenter's name; a corpus of a few million
   * tokens is far too small for it to emerge from plain text alone). With {@code copyFraction} 0
   * the windows, and what is drawn from {@code rng}, are those of plain sampling.
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
      if (copyFraction > 0 && length >= 3 * MAX_SPAN && rng.nextDouble() < copyFraction) {
        int copies = 1 + rng.nextInt(MAX_COPIES);
        for (int c = 0; c < copies; c++) {
          int span = MIN_SPAN + rng.nextInt(MAX_SPAN - MIN_SPAN + 1);
          int from = rng.nextInt(length - 2 * span + 1);
          int to = from + span + rng.nextInt(length - from - 2 * span + 1);
          System.arraycopy(out, b * length + from, out, b * length + to, span);
        }
      }
    }
    return out;
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
