package dev.cura.core.quant;

/**
 * Double quantization of the first-level absmax constants (QLORA-SPEC §3, bitsandbytes {@code
 * compress_statistics=True}):
 *
 * <pre>
 *   offset            = mean(absmax)                                        (float32)
 *   qabsmax, nested   = 8-bit blockwise(absmax - offset, signed dynamic map, blocks of 256)
 *   absmax'[b]        = code8[qabsmax[b]] * nested[b / 256] + offset        (two float32 roundings)
 * </pre>
 *
 * <p>The mean is the correctly rounded float32 of the exact mean (double accumulation). PyTorch
 * computes it with a float32 cascade whose order depends on version and device (CPU vs CUDA), so
 * bitsandbytes itself is only reproducible to ±1 ulp in {@code offset}; everything downstream of
 * the offset is bit-exact, and a deserialized state uses the stored offset.
 */
public final class DoubleQuant {
  /** Second-level block size (fixed by bitsandbytes; matmul_4bit refuses anything else). */
  public static final int NESTED_BLOCKSIZE = 256;

  private DoubleQuant() {}

  /**
   * The nested constants.
   *
   * @param qabsmax [nBlocks] uint8 indices into the signed dynamic map
   * @param nestedAbsmax [ceil(nBlocks/256)] float32
   * @param offset float32 mean of the original absmax
   */
  public record Nested(byte[] qabsmax, float[] nestedAbsmax, float offset) {}

  /** Double-quantizes {@code absmax[0, n)}. */
  public static Nested quantize(float[] absmax, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += absmax[i];
    }
    float offset = n == 0 ? 0f : (float) (sum / n);
    float[] centered = new float[n];
    for (int i = 0; i < n; i++) {
      centered[i] = absmax[i] - offset;
    }
    byte[] q = new byte[n];
    float[] nested = new float[(n + NESTED_BLOCKSIZE - 1) / NESTED_BLOCKSIZE];
    Blockwise8bit.quantize(
        DynamicMap.signedMidpoints(), NESTED_BLOCKSIZE, centered, 0, n, q, 0, nested, 0);
    return new Nested(q, nested, offset);
  }

  /** Reconstructs the first-level absmax: {@code code8[q] * nested[b/256] + offset}. */
  public static float[] dequantize(byte[] qabsmax, float[] nestedAbsmax, float offset) {
    float[] code = DynamicMap.signedShared();
    float[] out = new float[qabsmax.length];
    for (int b = 0; b < out.length; b++) {
      out[b] = absmax(code, qabsmax[b], nestedAbsmax[b / NESTED_BLOCKSIZE], offset);
    }
    return out;
  }

  /**
   * One block's absmax from its 8-bit code {@code q} into {@code code8}, its nested scale and the
   * offset: the product rounded to float32, then the sum (bitsandbytes' order; every dequantizer
   * here goes through this, so they agree bit for bit).
   */
  public static float absmax(float[] code8, byte q, float nested, float offset) {
    float t = code8[q & 0xFF] * nested;
    return t + offset;
  }
}
