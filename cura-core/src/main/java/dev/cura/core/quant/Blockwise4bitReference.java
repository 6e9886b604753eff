package dev.cura.core.quant;

/**
 * Scalar reference of blockwise 4-bit quantization (QLORA-SPEC §2, bitsandbytes default backend):
 * the readable spec and the oracle the fast path ({@link Blockwise4bit}) is tested against.
 *
 * <p>For block b = elements [bB, min((b+1)B, n)):
 *
 * <pre>
 *   absmax[b] = max |x_i|                                   (float32)
 *   s_i       = clamp(x_i * (1 / max(absmax[b], 1e-38)), -1, 1)   (float32 ops)
 *   q_i       = code index of s_i: bucketize against the float32 midpoints, ties to the lower
 *   packed[j] = q[2j] &lt;&lt; 4 | q[2j+1]    (odd n: the last low nibble is the code of 0.0)
 * </pre>
 */
public final class Blockwise4bitReference {
  /** bitsandbytes clamps absmax to 1e-38 before the reciprocal (all-zero block → code of 0). */
  static final float ABSMAX_MIN = 1e-38f;

  private Blockwise4bitReference() {}

  /**
   * Quantizes {@code x[xOff, xOff+n)}.
   *
   * @param packed receives {@code (n+1)/2} bytes at {@code packedOff}
   * @param absmax receives {@code ceil(n/blocksize)} values at {@code absmaxOff}
   */
  public static void quantize(
      QuantType type,
      int blocksize,
      float[] x,
      int xOff,
      int n,
      byte[] packed,
      int packedOff,
      float[] absmax,
      int absmaxOff) {
    int blocks = (int) QuantType.blocks(n, blocksize);
    int[] q = new int[n + 1];
    for (int b = 0; b < blocks; b++) {
      int start = b * blocksize;
      int end = Math.min(n, start + blocksize);
      float m = 0f;
      for (int i = start; i < end; i++) {
        m = Math.max(m, Math.abs(x[xOff + i]));
      }
      absmax[absmaxOff + b] = m;
      float r = 1f / Math.max(m, ABSMAX_MIN);
      for (int i = start; i < end; i++) {
        float s = Math.min(1f, Math.max(-1f, x[xOff + i] * r));
        q[i] = type.quantizeScaled(s);
      }
    }
    q[n] = type.quantizeScaled(0f); // pad for odd n
    for (int j = 0; j < (n + 1) / 2; j++) {
      packed[packedOff + j] = (byte) ((q[2 * j] << 4) | q[2 * j + 1]);
    }
  }

  /**
   * Dequantizes n elements: {@code out[i] = code[q_i] * absmax[i / blocksize]} (float32).
   *
   * @param packed {@code (n+1)/2} bytes at {@code packedOff}
   */
  public static void dequantize(
      QuantType type,
      int blocksize,
      byte[] packed,
      int packedOff,
      float[] absmax,
      int absmaxOff,
      float[] out,
      int outOff,
      int n) {
    for (int i = 0; i < n; i++) {
      int byteVal = packed[packedOff + (i >> 1)] & 0xFF;
      int q = (i & 1) == 0 ? byteVal >>> 4 : byteVal & 0x0F;
      out[outOff + i] = type.value(q) * absmax[absmaxOff + i / blocksize];
    }
  }
}
