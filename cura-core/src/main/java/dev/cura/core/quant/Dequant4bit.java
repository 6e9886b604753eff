package dev.cura.core.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.stream.IntStream;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Blockwise 4-bit dequantization straight into native memory (a tensor's storage): {@code out[i] =
 * code[q_i] · absmax[i / blocksize]}, the product formed in float32 and rounded once into the
 * output type (float32, or bf16 by round-to-nearest-even, as bitsandbytes' kernel and libtorch's
 * cast do). Block constants may be double-quantized ({@link Scales}); they are decoded per block as
 * the codes are, so no float32 copy of them is kept.
 *
 * <p>With 16 float lanes (AVX-512) the 16-entry code table sits in one register: 16 packed bytes
 * are spread to 32 nibbles (high first) by a byte shuffle, a per-lane shift and a mask, widened to
 * int lanes and looked up by a lane permutation, 16 outputs per step. Narrower machines run the
 * scalar loop. Every float operation is the same IEEE operation as {@link
 * Blockwise4bitReference#dequantize}'s and libtorch's gather-then-multiply, so all three agree bit
 * for bit (tests compare them).
 *
 * <p>Measured on this project's 2-core AMD EPYC (2026-12-06): 0.15 ns per element on 2 threads into
 * a float32 tensor, against 1.3–2.4 ns for the same dequantization as libtorch ops (copy to int32,
 * gather from a pair table, multiply by the block scale: three passes over memory).
 */
public final class Dequant4bit {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final boolean VECTOR = F.length() == 16;
  private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
  private static final VectorSpecies<Integer> I16 = IntVector.SPECIES_512;
  private static final VectorSpecies<Short> S16 = ShortVector.SPECIES_256;
  private static final VectorShuffle<Byte> LOW_HALF =
      VectorShuffle.fromValues(B16, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
  private static final VectorShuffle<Byte> HIGH_HALF =
      VectorShuffle.fromValues(B16, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15);
  private static final ByteVector HIGH_FIRST =
      ByteVector.fromArray(B16, new byte[] {4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0}, 0);
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;

  /** What the output holds. */
  public enum Out {
    FLOAT32(4),
    BFLOAT16(2);

    final int bytes;

    Out(int bytes) {
      this.bytes = bytes;
    }
  }

  /**
   * The block constants as stored: float32 {@code absmax} [nb], or double-quantized — uint8 {@code
   * qabsmax} [nb] into the 256-entry {@code nestedCode}, times {@code nestedAbsmax[b /
   * nestedBlocksize]}, plus {@code offset} (QLORA-SPEC §4).
   */
  public record Scales(
      MemorySegment absmax,
      MemorySegment qabsmax,
      float[] nestedCode,
      float[] nestedAbsmax,
      float offset,
      int nestedBlocksize) {
    /** Plain float32 block constants. */
    public static Scales plain(MemorySegment absmax) {
      return new Scales(absmax, null, null, null, 0f, 0);
    }

    /** Double-quantized block constants. */
    public static Scales nested(
        MemorySegment qabsmax,
        float[] nestedCode,
        float[] nestedAbsmax,
        float offset,
        int nestedBlocksize) {
      return new Scales(null, qabsmax, nestedCode, nestedAbsmax, offset, nestedBlocksize);
    }

    long blocks() {
      return absmax != null ? absmax.byteSize() / 4 : qabsmax.byteSize();
    }

    float at(long b) {
      if (absmax != null) {
        return absmax.getAtIndex(FLOAT, b);
      }
      return DoubleQuant.absmax(
          nestedCode,
          qabsmax.get(ValueLayout.JAVA_BYTE, b),
          nestedAbsmax[(int) (b / nestedBlocksize)],
          offset);
    }

    void check(long nb) {
      if (blocks() < nb) {
        throw new IllegalArgumentException(
            "block constants must hold " + nb + " blocks, got " + blocks());
      }
      if (qabsmax != null) {
        if (nestedCode.length != 256) {
          throw new IllegalArgumentException(
              "the nested map must hold 256 values, got " + nestedCode.length);
        }
        if (nestedBlocksize <= 0) {
          throw new IllegalArgumentException(
              "the nested block size must be positive, got " + nestedBlocksize);
        }
        long need = (nb + nestedBlocksize - 1) / nestedBlocksize;
        if (nestedAbsmax.length < need) {
          throw new IllegalArgumentException(
              "nested absmax must hold " + need + " values, got " + nestedAbsmax.length);
        }
      }
    }
  }

  private Dequant4bit() {}

  /**
   * Dequantizes n elements ({@code n} a whole number of blocks; {@code blocksize} a multiple of 32)
   * from {@code packed} (n/2 bytes, high nibble first) into {@code out}, on up to {@code threads}
   * threads of the common fork-join pool (the caller takes part), so the segments must be
   * accessible from any thread (global, automatic or shared — a tensor's storage is global).
   * Everything else is checked before any thread starts, so no task fails half-way while the caller
   * moves on.
   */
  public static void dequantize(
      float[] code,
      int blocksize,
      MemorySegment packed,
      Scales scales,
      MemorySegment out,
      Out type,
      long n,
      int threads) {
    if (code.length != 16) {
      throw new IllegalArgumentException("a 4-bit map holds 16 values, got " + code.length);
    }
    if (blocksize <= 0 || blocksize % 32 != 0 || n % blocksize != 0) {
      throw new IllegalArgumentException(
          "n (" + n + ") must be whole blocks of a multiple of 32, got blocksize " + blocksize);
    }
    long nb = n / blocksize;
    if (packed.byteSize() < n / 2) {
      throw new IllegalArgumentException(
          "packed codes must hold " + n / 2 + " bytes, got " + packed.byteSize());
    }
    if (out.byteSize() < n * type.bytes) {
      throw new IllegalArgumentException(
          "the output must hold " + n * type.bytes + " bytes, got " + out.byteSize());
    }
    scales.check(nb);
    Kernel k = new Kernel(code, blocksize, packed, scales, out, type);
    int tasks = (int) Math.max(1, Math.min(threads, nb / 64));
    if (tasks == 1) {
      k.run(0, nb);
      return;
    }
    IntStream.range(0, tasks).parallel().forEach(t -> k.run(nb * t / tasks, nb * (t + 1) / tasks));
  }

  /** One dequantization's operands (checked by {@link #dequantize}); blocks [from, to) per call. */
  record Kernel(
      float[] code,
      int blocksize,
      MemorySegment packed,
      Scales scales,
      MemorySegment out,
      Out type) {
    void run(long from, long to) {
      if (VECTOR) {
        vector(from, to);
      } else {
        scalar(from, to);
      }
    }

    void vector(long from, long to) {
      FloatVector table = FloatVector.fromArray(F, code, 0);
      int half = blocksize / 2;
      for (long b = from; b < to; b++) {
        float a = scales.at(b);
        long p = b * half;
        long o = b * blocksize;
        for (int j = 0; j < half; j += 16) {
          ByteVector bytes =
              ByteVector.fromMemorySegment(B16, packed, p + j, ByteOrder.LITTLE_ENDIAN);
          for (int h = 0; h < 2; h++) {
            IntVector q =
                (IntVector)
                    bytes
                        .rearrange(h == 0 ? LOW_HALF : HIGH_HALF)
                        .lanewise(VectorOperators.LSHR, HIGH_FIRST)
                        .and((byte) 0x0F)
                        .convertShape(VectorOperators.B2I, I16, 0);
            FloatVector v = table.rearrange(q.toShuffle().cast(F)).mul(a);
            long at = o + 2L * j + 16L * h; // element index of the first of these 16
            if (type == Out.FLOAT32) {
              v.intoMemorySegment(out, at * 4, ByteOrder.nativeOrder());
            } else {
              IntVector bits = (IntVector) v.reinterpretAsInts();
              IntVector rounded =
                  bits.add(bits.lanewise(VectorOperators.LSHR, 16).and(1).add(0x7FFF))
                      .lanewise(VectorOperators.LSHR, 16);
              ((ShortVector) rounded.convertShape(VectorOperators.I2S, S16, 0))
                  .intoMemorySegment(out, at * 2, ByteOrder.nativeOrder());
            }
          }
        }
      }
    }

    void scalar(long from, long to) {
      int half = blocksize / 2;
      for (long b = from; b < to; b++) {
        float a = scales.at(b);
        for (int j = 0; j < half; j++) {
          int v = packed.get(ValueLayout.JAVA_BYTE, b * half + j) & 0xFF;
          long at = b * blocksize + 2L * j;
          put(out, type, at, code[v >>> 4] * a);
          put(out, type, at + 1, code[v & 0x0F] * a);
        }
      }
    }
  }

  private static void put(MemorySegment out, Out type, long i, float v) {
    if (type == Out.FLOAT32) {
      out.setAtIndex(FLOAT, i, v);
    } else {
      out.setAtIndex(SHORT, i, bf16(v));
    }
  }

  /** float32 → bf16 bits, round to nearest even (finite values; what libtorch's cast does). */
  static short bf16(float v) {
    int bits = Float.floatToRawIntBits(v);
    return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
  }
}
