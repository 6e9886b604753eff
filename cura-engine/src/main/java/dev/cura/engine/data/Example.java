package dev.cura.engine.data;

/**
 * A tokenized record: ids [T] and which positions count for the loss (assistant/completion tokens
 * and their EOS).
 *
 * @param ids token ids
 * @param target true where the token is a training target
 * @param line source line (1-based)
 */
public record Example(long[] ids, boolean[] target, int line) {
  public int length() {
    return ids.length;
  }

  /** Number of target positions after the first (the first token is never predicted). */
  public int targets() {
    int n = 0;
    for (int i = 1; i < target.length; i++) {
      if (target[i]) {
        n++;
      }
    }
    return n;
  }
}
