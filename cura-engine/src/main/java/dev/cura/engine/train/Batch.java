package dev.cura.engine.train;

/**
 * One micro-batch, right-padded: ids [B, T] and labels [B, T] in transformers' convention (label =
 * the token itself where it counts for the loss, −100 elsewhere; the loss shifts by one).
 *
 * @param ids token ids, row-major [B, T]
 * @param labels labels, row-major [B, T]
 * @param batch B
 * @param length T
 */
public record Batch(long[] ids, long[] labels, int batch, int length) {
  public static final long IGNORE = -100;

  public Batch {
    if (ids.length != (long) batch * length || labels.length != ids.length) {
      throw new IllegalArgumentException(
          "batch arrays must hold B·T = "
              + (long) batch * length
              + " entries, got "
              + ids.length
              + " ids and "
              + labels.length
              + " labels");
    }
  }

  /** Number of predicted tokens: positions t ≥ 1 whose label is not −100. */
  public int targetTokens() {
    int n = 0;
    for (int b = 0; b < batch; b++) {
      for (int t = 1; t < length; t++) {
        if (labels[b * length + t] != IGNORE) {
          n++;
        }
      }
    }
    return n;
  }
}
