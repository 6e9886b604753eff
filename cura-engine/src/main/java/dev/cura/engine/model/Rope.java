package dev.cura.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embedding as transformers' Llama does it (rotate-half layout):
 *
 * <pre>
 * inv_freq[i] = 1 / θ^(2i/d)            (float32, i &lt; d/2)
 * angle[t, j] = t · inv_freq[j mod d/2]  (float32, the two halves repeat: cat(freqs, freqs))
 * rope(x) = x·cos(angle) + rotate_half(x)·sin(angle),  rotate_half(x) = cat(−x[d/2:], x[:d/2])
 * </pre>
 *
 * Tables are computed in float32 the way transformers computes them, then cos/sin rounded to
 * float32.
 */
public final class Rope {
  private Rope() {}

  /** cos and sin tables, each [T, d] (row-major), for positions start..start+T−1. */
  public static float[][] tables(int start, int length, int headDim, double theta) {
    return tables(start, length, headDim, theta, RopeScaling.NONE);
  }

  /**
   * cos and sin tables [T, d] under a {@code rope_scaling} ({@link RopeScaling#invFreq}); longrope
   * picks its factors by the sequence length start+T and multiplies cos/sin by its attention
   * factor.
   */
  public static float[][] tables(
      int start, int length, int headDim, double theta, RopeScaling scaling) {
    int half = headDim / 2;
    float[] invFreq = scaling.invFreq(headDim, theta, start + length);
    float factor = (float) scaling.attentionFactor();
    float[] cos = new float[length * headDim];
    float[] sin = new float[length * headDim];
    for (int t = 0; t < length; t++) {
      for (int j = 0; j < headDim; j++) {
        float angle = (float) (start + t) * invFreq[j % half];
        cos[t * headDim + j] = (float) Math.cos(angle) * factor;
        sin[t * headDim + j] = (float) Math.sin(angle) * factor;
      }
    }
    return new float[][] {cos, sin};
  }

  /** cos/sin as NDArrays [T, d] in {@code m}. */
  public static NDList create(NDManager m, int length, int headDim, double theta) {
    return create(m, length, headDim, theta, RopeScaling.NONE);
  }

  /** cos/sin as NDArrays [T, d] in {@code m} under a rope_scaling. */
  public static NDList create(
      NDManager m, int length, int headDim, double theta, RopeScaling scaling) {
    float[][] t = tables(0, length, headDim, theta, scaling);
    return new NDList(
        dev.cura.engine.nn.Nd.floats(m, t[0], new Shape(length, headDim)),
        dev.cura.engine.nn.Nd.floats(m, t[1], new Shape(length, headDim)));
  }

  /** Applies RoPE to x [B, heads, T, d] with cos/sin [T, d]. */
  public static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
    long d = x.getShape().get(3);
    long half = d / 2;
    NDArray x1 = x.get(new NDIndex("..., :{}", half));
    NDArray x2 = x.get(new NDIndex("..., {}:", half));
    NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1);
    return x.mul(cos).add(rotated.mul(sin));
  }
}
