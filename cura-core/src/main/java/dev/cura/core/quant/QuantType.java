package dev.cura.core.quant;

import java.util.Arrays;
import java.util.Locale;

/**
 * The 4-bit data types of bitsandbytes, each owning its 16-value code (index → value, the {@code
 * quant_map} tensor) and its nearest-code rule (QLORA-SPEC §1).
 *
 * <ul>
 *   <li>{@link #NF4}: the hardcoded NormalFloat table (§1.1), sorted, so the 4-bit index is the
 *       bucket of the scaled value among the 15 float32 midpoints; ties go to the lower code.
 *   <li>{@link #FP4}: the E2M1-style table in bit-pattern order {@code [0, .0625, 8, 12, 4, 6, 2,
 *       3, -0, -.0625, -8, -12, -4, -6, -2, -3] / 12} (§1.4). The default backend sorts it (stable
 *       argsort: +0 at code 0 precedes −0 at code 8), bucketizes, and maps back. So {@code x ∈
 *       (−0.0026, 0]} → code 0 (+0) and {@code x ∈ (0, 0.0026]} → code 8 (−0); both decode to zero.
 * </ul>
 *
 * <p>Block geometry: {@code blocksize} elements share one absmax; two codes per byte (element 2j in
 * the high nibble), so n elements pack into {@code (n+1)/2} bytes and {@code ceil(n/B)} absmax
 * values.
 */
public enum QuantType {
  NF4(
      "nf4",
      new float[] {
        -1.0f,
        -0.6961928009986877f,
        -0.5250730514526367f,
        -0.39491748809814453f,
        -0.28444138169288635f,
        -0.18477343022823334f,
        -0.09105003625154495f,
        0.0f,
        0.07958029955625534f,
        0.16093020141124725f,
        0.24611230194568634f,
        0.33791524171829224f,
        0.44070982933044434f,
        0.5626170039176941f,
        0.7229568362236023f,
        1.0f
      }),
  FP4(
      "fp4",
      new float[] {
        0f / 12,
        0.0625f / 12,
        8f / 12,
        12f / 12,
        4f / 12,
        6f / 12,
        2f / 12,
        3f / 12,
        -0f / 12,
        -0.0625f / 12,
        -8f / 12,
        -12f / 12,
        -4f / 12,
        -6f / 12,
        -2f / 12,
        -3f / 12
      });

  /** Block sizes bitsandbytes accepts for 4-bit quantization. */
  public static final int[] BLOCKSIZES = {32, 64, 128, 256, 512, 1024, 2048, 4096};

  /** Default block size (bitsandbytes' {@code blocksize=None} → 64). */
  public static final int DEFAULT_BLOCKSIZE = 64;

  private final String jsonName;
  private final float[] code; // [16] index → value
  private final float[] sortedMidpoints; // [15]
  private final int[] sortedToCode; // [16] position in sorted order → code index

  QuantType(String jsonName, float[] code) {
    this.jsonName = jsonName;
    this.code = code;
    Integer[] order = new Integer[16];
    for (int i = 0; i < 16; i++) {
      order[i] = i;
    }
    // stable sort by value (Float.compare would order -0 before +0; bnb's torch sort compares
    // with <, where -0 == +0, so the original index order decides)
    Arrays.sort(order, (a, b) -> code[a] < code[b] ? -1 : code[a] > code[b] ? 1 : 0);
    float[] sorted = new float[16];
    sortedToCode = new int[16];
    for (int i = 0; i < 16; i++) {
      sorted[i] = code[order[i]];
      sortedToCode[i] = order[i];
    }
    sortedMidpoints = Codebook.midpoints(sorted);
  }

  /** Name as bitsandbytes writes it ({@code "nf4"}, {@code "fp4"}). */
  public String jsonName() {
    return jsonName;
  }

  /** The 16-value code, index → value (a copy; the {@code quant_map} tensor). */
  public float[] code() {
    return code.clone();
  }

  /** Value of code index {@code q} (0..15). */
  public float value(int q) {
    return code[q];
  }

  /** float32 midpoints of the sorted code (a copy). */
  public float[] midpoints() {
    return sortedMidpoints.clone();
  }

  /** True if the code is sorted by index (NF4), so the bucket is the code index. */
  public boolean isMonotonic() {
    return this == NF4;
  }

  /**
   * Reference rule: the 4-bit code for a scaled value {@code x} (already multiplied by 1/absmax and
   * clamped to [-1, 1]).
   */
  public int quantizeScaled(float x) {
    return sortedToCode[Codebook.bucketize(x, sortedMidpoints)];
  }

  /** Code index at a sorted position (identity for NF4). */
  int codeAtSortedPosition(int pos) {
    return sortedToCode[pos];
  }

  float[] sharedMidpoints() {
    return sortedMidpoints;
  }

  float[] sharedCode() {
    return code;
  }

  /** Parses {@code nf4}/{@code fp4} (case-insensitive). */
  public static QuantType parse(String s) {
    String v = s == null ? "" : s.toLowerCase(Locale.ROOT);
    for (QuantType t : values()) {
      if (t.jsonName.equals(v)) {
        return t;
      }
    }
    throw new IllegalArgumentException("quant type must be nf4 or fp4, got " + s);
  }

  /** Validates a 4-bit block size. */
  public static int checkBlocksize(int blocksize) {
    for (int b : BLOCKSIZES) {
      if (b == blocksize) {
        return blocksize;
      }
    }
    throw new IllegalArgumentException(
        "blocksize must be one of 32, 64, 128, 256, 512, 1024, 2048, 4096, got " + blocksize);
  }

  /** Number of blocks for n elements: {@code ceil(n / blocksize)}. */
  public static long blocks(long n, int blocksize) {
    return (n + blocksize - 1) / blocksize;
  }

  /** Packed bytes for n elements: {@code (n + 1) / 2}. */
  public static long packedBytes(long n) {
    return (n + 1) / 2;
  }
}
