package dev.cura.core.synth;

import java.util.Locale;

/**
 * Llama-family dimensions for a requested parameter count: head_dim 128, GQA with a quarter as many
 * KV heads as query heads, intermediate ≈ 2.7 × hidden rounded up to 256, vocab 32000, untied
 * lm_head; the hidden size is the smallest of 256…8192 for which the layer count stays ≤ hidden /
 * 64 (so a 1B model gets hidden 2048, a 10B one 4096, as real Llama shapes do).
 *
 * @param hidden hidden size (h)
 * @param layers decoder layers (L ≥ 1)
 * @param heads query heads (h / 128)
 * @param kvHeads key/value heads
 * @param intermediate MLP width
 * @param vocab vocabulary size
 */
public record LlamaShape(
    int hidden, int layers, int heads, int kvHeads, int intermediate, int vocab) {
  public static final int HEAD_DIM = 128;
  private static final int[] HIDDEN = {
    256, 512, 768, 1024, 1536, 2048, 3072, 4096, 5120, 6144, 8192
  };

  /** Dimensions whose parameter count is closest to {@code params} for the chosen hidden size. */
  public static LlamaShape forParams(long params) {
    if (params <= 0) {
      throw new IllegalArgumentException("parameter count must be positive, got " + params);
    }
    int vocab = 32000;
    LlamaShape best = null;
    for (int h : HIDDEN) {
      int heads = h / HEAD_DIM;
      int kv = Math.max(1, heads / 4);
      int inter = (int) Math.ceil(2.7 * h / 256.0) * 256;
      LlamaShape probe = new LlamaShape(h, 1, heads, kv, inter, vocab);
      long perLayer = probe.perLayerParams();
      long fixed = probe.params() - perLayer;
      int layers = (int) Math.max(1, Math.round((double) (params - fixed) / perLayer));
      best = new LlamaShape(h, layers, heads, kv, inter, vocab);
      if (layers <= h / 64) {
        return best;
      }
    }
    return best;
  }

  /** Parses "1B", "10B", "500M", "1.5B", "20M", or a plain number. */
  public static long parseParams(String s) {
    String v = s.trim().toUpperCase(Locale.ROOT);
    double mult = 1;
    if (v.endsWith("B")) {
      mult = 1e9;
      v = v.substring(0, v.length() - 1);
    } else if (v.endsWith("M")) {
      mult = 1e6;
      v = v.substring(0, v.length() - 1);
    } else if (v.endsWith("K")) {
      mult = 1e3;
      v = v.substring(0, v.length() - 1);
    }
    try {
      double d = Double.parseDouble(v) * mult;
      if (d < 1 || d > 1e13) {
        throw new NumberFormatException();
      }
      return (long) d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "parameter count must look like 1B, 10B, 500M or 20M, got " + s);
    }
  }

  /** Parameters of one decoder layer (4 attention + 3 MLP projections + 2 norms). */
  public long perLayerParams() {
    long h = hidden;
    long kvDim = (long) kvHeads * HEAD_DIM;
    return 2 * h * h + 2 * h * kvDim + 3 * h * intermediate + 2 * h;
  }

  /** Total parameters: embeddings + layers + final norm + lm_head. */
  public long params() {
    return 2L * vocab * hidden + layers * perLayerParams() + hidden;
  }
}
