package dev.cura.engine.optim;

import dev.cura.core.quant.Blockwise8bit;
import dev.cura.core.quant.DynamicMap;
import dev.cura.core.safetensors.SafetensorsFile;
import dev.cura.core.safetensors.SafetensorsWriter;
import dev.cura.core.safetensors.TensorSpec;
import dev.cura.core.tensor.DType;
import java.io.IOException;
import java.util.List;

/**
 * AdamW with blockwise 8-bit states (bitsandbytes AdamW8bit/PagedAdamW8bit, QLORA-SPEC §7.4):
 * blocks of 256; m coded with the signed dynamic map, v with the unsigned one; per block absmax in
 * float32. Each step dequantizes m and v ({@code code[q]·absmax}), runs the 32-bit update of {@link
 * AdamWKernel} (so the parameter sees the unrounded new moments, as in the CUDA kernel), then
 * requantizes to the nearest code with a fresh absmax, keeping m's sign (an index that lands on the
 * wrong side of zero moves one step back). Parameters under 4096 elements keep 32-bit states
 * ({@code min_8bit_size}). The codec is cura-core's; the states live in a {@link StateStore} (paged
 * for {@code paged_adamw_8bit}).
 *
 * <p>Slot layout of an 8-bit parameter of n elements and b = ⌈n/256⌉ blocks: {@code q1 [n] u8, q2
 * [n] u8, absmax1 [b] f32, absmax2 [b] f32}; a zero-filled slot decodes to zero moments (absmax 0).
 */
public final class AdamW8bit extends AdamW {
  static final int BLOCK = 256;
  static final int MIN_8BIT_SIZE = 4096;
  private static final float[] SIGNED = DynamicMap.signed();
  private static final float[] UNSIGNED = DynamicMap.unsigned();
  private static final float[] SIGNED_MID = Blockwise8bit.midpointsOf(SIGNED);
  private static final float[] UNSIGNED_MID = Blockwise8bit.midpointsOf(UNSIGNED);

  public AdamW8bit(AdamWConfig cfg, StateStore states) {
    super(cfg, states, "adamw_8bit");
  }

  private static boolean eightBit(int n) {
    return n >= MIN_8BIT_SIZE;
  }

  private static int blocks(int n) {
    return (n + BLOCK - 1) / BLOCK;
  }

  @Override
  long stateBytes(int n) {
    return eightBit(n) ? 2L * n + 8L * blocks(n) : 8L * n;
  }

  /** The stored codes and scales of an 8-bit parameter. */
  private record Codes(byte[] q1, byte[] q2, float[] absmax1, float[] absmax2) {
    static Codes empty(int n) {
      int b = blocks(n);
      return new Codes(new byte[n], new byte[n], new float[b], new float[b]);
    }
  }

  private Codes readCodes(String name, int n) {
    Codes c = Codes.empty(n);
    states.read(name, 0, c.q1());
    states.read(name, n, c.q2());
    states.read(name, 2L * n, c.absmax1());
    states.read(name, 2L * n + 4L * c.absmax1().length, c.absmax2());
    return c;
  }

  private void writeCodes(String name, int n, Codes c) {
    states.write(name, 0, c.q1());
    states.write(name, n, c.q2());
    states.write(name, 2L * n, c.absmax1());
    states.write(name, 2L * n + 4L * c.absmax1().length, c.absmax2());
  }

  @Override
  void readMoments(String name, int n, float[] m, float[] v) {
    if (!eightBit(n)) {
      states.read(name, 0, m);
      states.read(name, 4L * n, v);
      return;
    }
    Codes c = readCodes(name, n);
    Blockwise8bit.dequantize(SIGNED, BLOCK, c.q1(), 0, c.absmax1(), 0, m, 0, n);
    Blockwise8bit.dequantize(UNSIGNED, BLOCK, c.q2(), 0, c.absmax2(), 0, v, 0, n);
  }

  @Override
  void writeMoments(String name, int n, float[] m, float[] v) {
    if (!eightBit(n)) {
      states.write(name, 0, m);
      states.write(name, 4L * n, v);
      return;
    }
    Codes c = Codes.empty(n);
    Blockwise8bit.quantize(SIGNED_MID, BLOCK, m, 0, n, c.q1(), 0, c.absmax1(), 0);
    Blockwise8bit.quantize(UNSIGNED_MID, BLOCK, v, 0, n, c.q2(), 0, c.absmax2(), 0);
    byte[] q1 = c.q1();
    for (int i = 0; i < n; i++) { // keep m's sign
      int q = q1[i] & 0xFF;
      if (m[i] > 0 && SIGNED[q] < 0) {
        q1[i] = (byte) (q + 1);
      } else if (m[i] < 0 && SIGNED[q] > 0) {
        q1[i] = (byte) (q - 1);
      }
    }
    writeCodes(name, n, c);
  }

  @Override
  List<TensorSpec> stateTensors(String name, int n) {
    if (!eightBit(n)) {
      return AdamW32.floatTensors(name, n);
    }
    long b = blocks(n);
    return List.of(
        new TensorSpec(name + ".state1", DType.U8, new long[] {n}),
        new TensorSpec(name + ".state2", DType.U8, new long[] {n}),
        new TensorSpec(name + ".absmax1", DType.F32, new long[] {b}),
        new TensorSpec(name + ".absmax2", DType.F32, new long[] {b}));
  }

  @Override
  void saveState(SafetensorsWriter w, String name, int n) throws IOException {
    if (!eightBit(n)) {
      AdamW32.saveFloats(this, w, name, n);
      return;
    }
    Codes c = readCodes(name, n);
    w.append(name + ".state1", c.q1());
    w.append(name + ".state2", c.q2());
    w.writeFloats(name + ".absmax1", c.absmax1());
    w.writeFloats(name + ".absmax2", c.absmax2());
  }

  @Override
  void loadState(SafetensorsFile f, String name, int n) throws IOException {
    if (!eightBit(n)) {
      writeMoments(name, n, floats(f, name + ".exp_avg", n), floats(f, name + ".exp_avg_sq", n));
      return;
    }
    byte[] q1 = f.readBytes(name + ".state1");
    byte[] q2 = f.readBytes(name + ".state2");
    int b = blocks(n);
    if (q1.length != n || q2.length != n) {
      throw new IllegalArgumentException(
          "optimizer state " + name + ".state1/2 must hold " + n + " codes");
    }
    writeCodes(
        name,
        n,
        new Codes(q1, q2, floats(f, name + ".absmax1", b), floats(f, name + ".absmax2", b)));
  }
}
