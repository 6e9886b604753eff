package dev.cura.core.quant;

/**
 * Nearest-code lookup with the bitsandbytes default-backend rule (QLORA-SPEC §1.3, §3.2): {@code
 * torch.bucketize(x, midpoints, right=False)} against the float32 midpoints {@code (c[i] + c[i+1])
 * / 2} of the sorted code — the index is the number of midpoints strictly below {@code x}, so a
 * value exactly on a midpoint takes the lower code.
 */
public final class Codebook {
  private Codebook() {}

  /** float32 midpoints of a sorted code: {@code m[i] = (c[i] + c[i+1]) / 2}, length n−1. */
  public static float[] midpoints(float[] sorted) {
    float[] m = new float[sorted.length - 1];
    for (int i = 0; i < m.length; i++) {
      m[i] = (sorted[i] + sorted[i + 1]) / 2f;
    }
    return m;
  }

  /**
   * Number of midpoints strictly less than {@code x} (binary search), i.e. the index into the
   * sorted code. NaN maps to 0 (out of contract: bitsandbytes gives no defined code for NaN).
   */
  public static int bucketize(float x, float[] midpoints) {
    int m = midpoints.length;
    if (((m + 1) & m) == 0) {
      // m = 2^k − 1 (15 for 4-bit, 255 for 8-bit codes): branch-free descent, one compare per
      // level; the comparisons are the same as the binary search's, so is the answer
      int pos = 0;
      for (int step = (m + 1) >>> 1; step > 0; step >>>= 1) {
        pos += midpoints[pos + step - 1] < x ? step : 0;
      }
      return pos;
    }
    int lo = 0;
    int hi = m; // invariant: answer in [lo, hi]
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (midpoints[mid] < x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
