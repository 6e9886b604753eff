package dev.cura.engine.data;

import dev.cura.engine.train.Batch;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic batches: epoch e visits the examples in an order shuffled by a RNG seeded with
 * (seed, e); with packing, consecutive examples of that order are concatenated into rows of up to
 * {@code seqLen} tokens. Batches take {@code batchSize} consecutive rows, right-padded to the
 * longest, labels −100 on padding and non-target tokens. The position (epoch, row) is all a resume
 * needs.
 */
public final class BatchSampler {
  private final List<Example> examples;
  private final int batchSize;
  private final int seqLen;
  private final long seed;
  private final boolean packing;
  private final long padId;
  private int epoch;
  private int row;
  private List<Example> rows;

  /** Where the sampler stands: the next row of an epoch. */
  public record Position(int epoch, int row) {}

  public BatchSampler(
      List<Example> examples, int batchSize, int seqLen, long seed, boolean packing, long padId) {
    if (batchSize < 1) {
      throw new IllegalArgumentException(
          "training.batch_size must be at least 1, got " + batchSize);
    }
    this.examples = List.copyOf(examples);
    this.batchSize = batchSize;
    this.seqLen = seqLen;
    this.seed = seed;
    this.packing = packing;
    this.padId = padId;
    this.rows = rowsOf(0);
  }

  public Position position() {
    return new Position(epoch, row);
  }

  public void seek(Position p) {
    epoch = p.epoch();
    row = p.row();
    rows = rowsOf(epoch);
  }

  public int epoch() {
    return epoch;
  }

  /** Rows of the first epoch: the examples, or with packing the packed rows. */
  public int rowsPerEpoch() {
    return epoch == 0 ? rows.size() : rowsOf(0).size();
  }

  /** The next batch (wrapping into the next epoch as needed). */
  public Batch next() {
    List<Example> picked = new ArrayList<>();
    while (picked.size() < batchSize) {
      if (row >= rows.size()) {
        epoch++;
        row = 0;
        rows = rowsOf(epoch);
      }
      picked.add(rows.get(row++));
    }
    return collate(picked, padId);
  }

  /** Pads rows into a batch. */
  public static Batch collate(List<Example> picked, long padId) {
    int t = 0;
    for (Example e : picked) {
      t = Math.max(t, e.length());
    }
    t = Math.max(t, 2);
    long[] ids = new long[picked.size() * t];
    long[] labels = new long[ids.length];
    for (int b = 0; b < picked.size(); b++) {
      Example e = picked.get(b);
      for (int i = 0; i < t; i++) {
        boolean real = i < e.length();
        ids[b * t + i] = real ? e.ids()[i] : padId;
        labels[b * t + i] = real && e.target()[i] ? e.ids()[i] : Batch.IGNORE;
      }
    }
    return new Batch(ids, labels, picked.size(), t);
  }

  private List<Example> rowsOf(int e) {
    List<Example> order = new ArrayList<>(examples);
    SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + e);
    for (int i = order.size() - 1; i > 0; i--) { // Fisher–Yates
      int j = rng.nextInt(i + 1);
      Example tmp = order.get(i);
      order.set(i, order.get(j));
      order.set(j, tmp);
    }
    if (!packing) {
      return order;
    }
    List<Example> packed = new ArrayList<>();
    List<Example> cur = new ArrayList<>();
    int len = 0;
    for (Example x : order) {
      if (len + x.length() > seqLen && !cur.isEmpty()) {
        packed.add(concat(cur));
        cur.clear();
        len = 0;
      }
      cur.add(x);
      len += x.length();
    }
    if (!cur.isEmpty()) {
      packed.add(concat(cur));
    }
    return packed;
  }

  private static Example concat(List<Example> parts) {
    int n = 0;
    for (Example e : parts) {
      n += e.length();
    }
    long[] ids = new long[n];
    boolean[] t = new boolean[n];
    int at = 0;
    for (Example e : parts) {
      System.arraycopy(e.ids(), 0, ids, at, e.length());
      System.arraycopy(e.target(), 0, t, at, e.length());
      at += e.length();
    }
    return new Example(ids, t, parts.get(0).line());
  }
}
