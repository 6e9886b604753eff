package dev.cura.core.quant;

import java.util.stream.IntStream;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fast blockwise 4-bit quantization: Java Vector API inside a block, blocks spread over the common
 * fork-join pool. Bit-identical to {@link Blockwise4bitReference} (tests compare them on every
 * block size, both types, ties, zeros, tails): every float operation is the same IEEE operation in
 * the same order (max is order-independent; multiply/clamp/compare are lane-wise).
 *
 * <p>NF4 codes are sorted, so the code is the count of midpoints below the scaled value: 15
 * lane-wise compares, no branches. FP4 counts the same way against its sorted midpoints and maps
 * the sorted position back to its bit pattern.
 */
public final class Blockwise4bit {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

  /**
   * With 16 float lanes (AVX-512) codes are packed in registers: the 16 int codes viewed as 8 longs
   * {@code c[2j] | c[2j+1] << 32} become bytes {@code c[2j] << 4 | c[2j+1]} by one shift/or and a
   * long → byte narrowing. Narrower machines extract codes lane by lane.
   */
  private static final boolean PACK_IN_REGISTERS = F.length() == 16;

  private static final VectorSpecies<Byte> B8 = ByteVector.SPECIES_64;

  /** Blocks per parallel task (≈ 256 K elements at B = 64). */
  private static final int BLOCKS_PER_TASK = 4096;

  private Blockwise4bit() {}

  /**
   * Quantizes {@code x[xOff, xOff+n)} (same contract as {@link Blockwise4bitReference#quantize}).
   * {@code packedOff} and {@code absmaxOff} position the outputs; blocks are aligned to {@code
   * xOff}.
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
    QuantType.checkBlocksize(blocksize);
    int blocks = (int) QuantType.blocks(n, blocksize);
    int fullBlocks = n / blocksize;
    int tasks = (fullBlocks + BLOCKS_PER_TASK - 1) / BLOCKS_PER_TASK;
    if (tasks > 1) {
      IntStream.range(0, tasks)
          .parallel()
          .forEach(
              t ->
                  quantizeBlocks(
                      type,
                      blocksize,
                      x,
                      xOff,
                      t * BLOCKS_PER_TASK,
                      Math.min(fullBlocks, (t + 1) * BLOCKS_PER_TASK),
                      packed,
                      packedOff,
                      absmax,
                      absmaxOff));
    } else if (fullBlocks > 0) {
      quantizeBlocks(type, blocksize, x, xOff, 0, fullBlocks, packed, packedOff, absmax, absmaxOff);
    }
    if (blocks > fullBlocks) {
      // tail block: its own absmax over the real elements; odd count padded with code(0)
      int start = fullBlocks * blocksize;
      Blockwise4bitReference.quantize(
          type,
          blocksize,
          x,
          xOff + start,
          n - start,
          packed,
          packedOff + start / 2,
          absmax,
          absmaxOff + fullBlocks);
    }
  }

  private static void quantizeBlocks(
      QuantType type,
      int blocksize,
      float[] x,
      int xOff,
      int fromBlock,
      int toBlock,
      byte[] packed,
      int packedOff,
      float[] absmax,
      int absmaxOff) {
    float[] mids = type.sharedMidpoints();
    int lanes = F.length();
    int[] q = new int[blocksize];
    float[] qf = new float[lanes];
    FloatVector one = FloatVector.broadcast(F, 1f);
    FloatVector minusOne = FloatVector.broadcast(F, -1f);
    FloatVector zero = FloatVector.zero(F);
    FloatVector[] midv = new FloatVector[mids.length];
    for (int k = 0; k < mids.length; k++) {
      midv[k] = FloatVector.broadcast(F, mids[k]);
    }
    boolean monotonic = type.isMonotonic();
    IntVector sortedToCode = null;
    if (PACK_IN_REGISTERS) {
      int[] map = new int[16];
      for (int i = 0; i < 16; i++) {
        map[i] = type.codeAtSortedPosition(i);
      }
      sortedToCode = IntVector.fromArray(IntVector.SPECIES_512, map, 0);
    }
    for (int b = fromBlock; b < toBlock; b++) {
      int base = xOff + b * blocksize;
      // absmax: lane-wise max of |x|, then across lanes (max is exact in any order)
      FloatVector vmax = FloatVector.zero(F);
      for (int i = 0; i < blocksize; i += lanes) {
        vmax = vmax.max(FloatVector.fromArray(F, x, base + i).abs());
      }
      float m = vmax.reduceLanes(VectorOperators.MAX);
      absmax[absmaxOff + b] = m;
      float r = 1f / Math.max(m, Blockwise4bitReference.ABSMAX_MIN);
      FloatVector vr = FloatVector.broadcast(F, r);
      int out = packedOff + b * (blocksize / 2);
      if (PACK_IN_REGISTERS) {
        for (int i = 0; i < blocksize; i += lanes) {
          FloatVector s = FloatVector.fromArray(F, x, base + i).mul(vr).max(minusOne).min(one);
          // four independent accumulators: a single chain of 15 masked adds is latency-bound
          FloatVector c0 = zero.add(one, s.compare(VectorOperators.GT, midv[0]));
          FloatVector c1 = zero.add(one, s.compare(VectorOperators.GT, midv[1]));
          FloatVector c2 = zero.add(one, s.compare(VectorOperators.GT, midv[2]));
          FloatVector c3 = zero.add(one, s.compare(VectorOperators.GT, midv[3]));
          for (int k = 4; k < 12; k += 4) {
            c0 = c0.add(one, s.compare(VectorOperators.GT, midv[k]));
            c1 = c1.add(one, s.compare(VectorOperators.GT, midv[k + 1]));
            c2 = c2.add(one, s.compare(VectorOperators.GT, midv[k + 2]));
            c3 = c3.add(one, s.compare(VectorOperators.GT, midv[k + 3]));
          }
          c0 = c0.add(one, s.compare(VectorOperators.GT, midv[12]));
          c1 = c1.add(one, s.compare(VectorOperators.GT, midv[13]));
          c2 = c2.add(one, s.compare(VectorOperators.GT, midv[14]));
          FloatVector count = c0.add(c1).add(c2.add(c3));
          IntVector codes = (IntVector) count.convert(VectorOperators.F2I, 0);
          if (!monotonic) {
            codes = sortedToCode.rearrange(codes.toShuffle());
          }
          LongVector pairs = codes.reinterpretAsLongs();
          LongVector bytes =
              pairs
                  .and(0xFL)
                  .lanewise(VectorOperators.LSHL, 4)
                  .or(pairs.lanewise(VectorOperators.LSHR, 32));
          ((ByteVector) bytes.convertShape(VectorOperators.L2B, B8, 0))
              .intoArray(packed, out + i / 2);
        }
        continue;
      }
      for (int i = 0; i < blocksize; i += lanes) {
        FloatVector s = FloatVector.fromArray(F, x, base + i).mul(vr).max(minusOne).min(one);
        FloatVector count = FloatVector.zero(F);
        for (FloatVector mv : midv) {
          count = count.add(one, s.compare(VectorOperators.GT, mv));
        }
        count.intoArray(qf, 0);
        for (int l = 0; l < lanes; l++) {
          int pos = (int) qf[l];
          q[i + l] = monotonic ? pos : type.codeAtSortedPosition(pos);
        }
      }
      for (int j = 0; j < blocksize / 2; j++) {
        packed[out + j] = (byte) ((q[2 * j] << 4) | q[2 * j + 1]);
      }
    }
  }

  /**
   * Dequantizes n elements: {@code out[i] = code[q_i] * absmax[i / blocksize]} (float32), with a
   * 256-entry byte → (hi, lo) value table; parallel over blocks for large n. Bit-identical to
   * {@link Blockwise4bitReference#dequantize}.
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
    float[] pair = pairTable(type);
    int fullBlocks = n / blocksize;
    int tasks = (fullBlocks + BLOCKS_PER_TASK - 1) / BLOCKS_PER_TASK;
    IntStream.range(0, Math.max(tasks, 1))
        .parallel()
        .forEach(
            t -> {
              int from = t * BLOCKS_PER_TASK;
              int to = Math.min(fullBlocks, (t + 1) * BLOCKS_PER_TASK);
              for (int b = from; b < to; b++) {
                float a = absmax[absmaxOff + b];
                int o = outOff + b * blocksize;
                int p = packedOff + b * (blocksize / 2);
                for (int j = 0; j < blocksize / 2; j++) {
                  int v = (packed[p + j] & 0xFF) << 1;
                  out[o + 2 * j] = pair[v] * a;
                  out[o + 2 * j + 1] = pair[v + 1] * a;
                }
              }
            });
    int start = fullBlocks * blocksize;
    if (start < n) {
      Blockwise4bitReference.dequantize(
          type,
          blocksize,
          packed,
          packedOff + start / 2,
          absmax,
          absmaxOff + fullBlocks,
          out,
          outOff + start,
          n - start);
    }
  }

  private static final float[][] PAIRS = new float[QuantType.values().length][];

  static {
    for (QuantType t : QuantType.values()) {
      float[] p = new float[512];
      for (int v = 0; v < 256; v++) {
        p[2 * v] = t.value(v >>> 4);
        p[2 * v + 1] = t.value(v & 0x0F);
      }
      PAIRS[t.ordinal()] = p;
    }
  }

  private static float[] pairTable(QuantType t) {
    return PAIRS[t.ordinal()];
  }
}
