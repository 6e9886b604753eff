package dev.cura.core.quant;

import dev.cura.core.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The one-call API for a whole weight: quantize a float32 weight to packed 4-bit codes plus a
 * {@link QuantState}, and dequantize back (QLORA-SPEC §2–§4). Uses the fast paths.
 *
 * <pre>
 *   Quant4bit.Quantized q = Quant4bit.quantize(w, new long[] {out, in}, DType.BF16,
 *       QuantType.NF4, 64, true);            // w: float[out*in], row-major
 *   float[] w2 = Quant4bit.dequantize(q.state(), q.packed());   // float32 [out*in]
 * </pre>
 */
public final class Quant4bit {
  private Quant4bit() {}

  /**
   * Packed codes and state.
   *
   * @param packed uint8 [(n+1)/2]: element 2j in the high nibble of byte j
   * @param state absmax (or its double quantization) and metadata
   */
  public record Quantized(byte[] packed, QuantState state) {}

  /**
   * Quantizes a whole weight.
   *
   * @param w float32 values, row-major, {@code numel(shape)} of them (bf16/f16 weights converted
   *     exactly to float32 first)
   * @param dtype the original dtype, recorded in the state (dequantization target)
   * @param doubleQuant compress the absmax constants (bitsandbytes {@code compress_statistics})
   */
  public static Quantized quantize(
      float[] w, long[] shape, DType dtype, QuantType type, int blocksize, boolean doubleQuant) {
    QuantType.checkBlocksize(blocksize);
    int n = w.length;
    long expect = 1;
    for (long d : shape) {
      expect *= d;
    }
    if (expect != n) {
      throw new IllegalArgumentException(
          "weight has " + n + " values but shape has " + expect + " elements");
    }
    byte[] packed = new byte[(int) QuantType.packedBytes(n)];
    float[] absmax = new float[(int) QuantType.blocks(n, blocksize)];
    Blockwise4bit.quantize(type, blocksize, w, 0, n, packed, 0, absmax, 0);
    QuantState s =
        doubleQuant
            ? QuantState.nested(type, blocksize, dtype, shape, absmax)
            : QuantState.plain(type, blocksize, dtype, shape, absmax);
    return new Quantized(packed, s);
  }

  /** Dequantizes to float32 ({@code numel} values, row-major). */
  public static float[] dequantize(QuantState s, byte[] packed) {
    float[] out = new float[Math.toIntExact(s.numel())];
    dequantize(s, packed, out);
    return out;
  }

  /** Dequantizes into {@code out} (length ≥ numel): {@code code[q] * absmax[i / B]} (float32). */
  public static void dequantize(QuantState s, byte[] packed, float[] out) {
    int n = Math.toIntExact(s.numel());
    if (packed.length < QuantType.packedBytes(n)) {
      throw new IllegalArgumentException(
          "packed weight has " + packed.length + " bytes, expected " + QuantType.packedBytes(n));
    }
    Blockwise4bit.dequantize(
        s.quantType(), s.blocksize(), packed, 0, s.effectiveAbsmax(), 0, out, 0, n);
  }

  /** Dequantizes from packed codes in a memory segment (e.g. a mapped safetensors slice). */
  public static void dequantize(QuantState s, MemorySegment packed, float[] out) {
    dequantize(s, packed.toArray(ValueLayout.JAVA_BYTE), out);
  }

  /** Dequantizes and rounds to the state's original dtype (what bitsandbytes returns). */
  public static float[] dequantizeToDtype(QuantState s, byte[] packed) {
    float[] out = dequantize(s, packed);
    if (s.dtype() != DType.F32) {
      for (int i = 0; i < out.length; i++) {
        out[i] = s.dtype().roundTrip(out[i]);
      }
    }
    return out;
  }
}
