package dev.cura.core.quant;

/**
 * Blockwise 8-bit quantization with a 256-value sorted code (the dynamic maps of {@link
 * DynamicMap}), bitsandbytes default-backend semantics (QLORA-SPEC §3.2): per block of {@code
 * blocksize} elements,
 *
 * <pre>
 *   absmax[b] = max |x_i|                                        (float32)
 *   q_i       = bucketize(clamp(x_i * (1 / max(absmax[b], 1e-38)), -1, 1), midpoints(code))
 *   x'_i      = code[q_i] * absmax[b]                             (float32)
 * </pre>
 *
 * Nearest code, ties to the lower code. Used by double quantization (signed map, blocks of 256) and
 * by the 8-bit optimizer states (m: signed map, v: unsigned map, blocks of 256). The tail block has
 * its own absmax over its real elements.
 */
public final class Blockwise8bit {
  private Blockwise8bit() {}

  /** The float32 midpoints of a sorted 256-value code (use with {@link #quantize}). */
  public static float[] midpointsOf(float[] code) {
    return Codebook.midpoints(code);
  }

  /**
   * Quantizes {@code x[xOff, xOff+n)} into {@code q[qOff, qOff+n)} and {@code absmax[absOff,
   * absOff+ceil(n/blocksize))}.
   *
   * @param midpoints {@link #midpointsOf}(code) — passed in so hot loops don't recompute it
   */
  public static void quantize(
      float[] midpoints,
      int blocksize,
      float[] x,
      int xOff,
      int n,
      byte[] q,
      int qOff,
      float[] absmax,
      int absOff) {
    if (blocksize <= 0) {
      throw new IllegalArgumentException("blocksize must be positive, got " + blocksize);
    }
    int blocks = (n + blocksize - 1) / blocksize;
    // blocks are independent: spread them over the common pool when there are many
    int perTask = Math.max(1, (1 << 16) / blocksize);
    int tasks = (blocks + perTask - 1) / perTask;
    java.util.stream.IntStream range = java.util.stream.IntStream.range(0, tasks);
    (tasks > 1 ? range.parallel() : range)
        .forEach(
            t -> {
              int to = Math.min(blocks, (t + 1) * perTask);
              for (int b = t * perTask; b < to; b++) {
                quantizeBlock(midpoints, blocksize, x, xOff, n, q, qOff, absmax, absOff, b);
              }
            });
  }

  private static void quantizeBlock(
      float[] midpoints,
      int blocksize,
      float[] x,
      int xOff,
      int n,
      byte[] q,
      int qOff,
      float[] absmax,
      int absOff,
      int b) {
    int start = b * blocksize;
    int end = Math.min(n, start + blocksize);
    float m = 0f;
    for (int i = start; i < end; i++) {
      m = Math.max(m, Math.abs(x[xOff + i]));
    }
    absmax[absOff + b] = m;
    float r = 1f / Math.max(m, Blockwise4bitReference.ABSMAX_MIN);
    for (int i = start; i < end; i++) {
      float s = Math.min(1f, Math.max(-1f, x[xOff + i] * r));
      q[qOff + i] = (byte) Codebook.bucketize(s, midpoints);
    }
  }

  /** Dequantizes: {@code out[i] = code[q_i & 0xFF] * absmax[i / blocksize]} (float32). */
  public static void dequantize(
      float[] code,
      int blocksize,
      byte[] q,
      int qOff,
      float[] absmax,
      int absOff,
      float[] out,
      int outOff,
      int n) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] = code[q[qOff + i] & 0xFF] * absmax[absOff + i / blocksize];
    }
  }
}
