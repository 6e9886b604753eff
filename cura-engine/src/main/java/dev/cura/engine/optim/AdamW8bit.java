package dev.cura.engine.optim;

import ai.djl.ndarray.NDArray;
import dev.cura.core.quant.Blockwise8bit;
import dev.cura.core.quant.DynamicMap;
import dev.cura.core.safetensors.SafetensorsFile;
import dev.cura.core.safetensors.SafetensorsWriter;
import dev.cura.core.safetensors.TensorSpec;
import dev.cura.core.tensor.DType;
import dev.cura.engine.nn.LoraParams;
import dev.cura.engine.nn.Nd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW with blockwise 8-bit states (bitsandbytes AdamW8bit/PagedAdamW8bit, QLORA-SPEC §7.4):
 * blocks of 256; m coded with the signed dynamic map, v with the unsigned one; per block absmax in
 * float32. Each step dequantizes m and v ({@code code[q]·absmax}), runs the 32-bit update of {@link
 * AdamWKernel} (so the parameter sees the unrounded new moments, as in the CUDA kernel), then
 * requantizes to the nearest code with a fresh absmax, keeping m's sign (an index that lands on the
 * wrong side of zero moves one step back). Parameters under 4096 elements keep 32-bit states
 * ({@code min_8bit_size}). The codec is cura-core's.
 */
public final class AdamW8bit implements Optimizer {
  static final int BLOCK = 256;
  static final int MIN_8BIT_SIZE = 4096;
  private static final float[] SIGNED = DynamicMap.signed();
  private static final float[] UNSIGNED = DynamicMap.unsigned();
  private static final float[] SIGNED_MID = Blockwise8bit.midpointsOf(SIGNED);
  private static final float[] UNSIGNED_MID = Blockwise8bit.midpointsOf(UNSIGNED);
  private static final int ZERO_INDEX = 127; // signed map: index 127 is 0

  private final AdamWConfig cfg;
  private final Map<String, State> states = new LinkedHashMap<>();
  private long t;

  /** 8-bit (q1, q2, absmax1, absmax2) or 32-bit (m, v) state of one parameter. */
  static final class State {
    final int n;
    byte[] q1, q2;
    float[] absmax1, absmax2;
    float[] m, v;

    State(int n) {
      this.n = n;
      if (n >= MIN_8BIT_SIZE) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        q1 = new byte[n];
        q2 = new byte[n];
        java.util.Arrays.fill(q1, (byte) ZERO_INDEX);
        absmax1 = new float[blocks];
        absmax2 = new float[blocks];
      } else {
        m = new float[n];
        v = new float[n];
      }
    }

    boolean eightBit() {
      return q1 != null;
    }

    /** Dequantized (or stored) moments into m, v. */
    void read(float[] mOut, float[] vOut) {
      if (eightBit()) {
        Blockwise8bit.dequantize(SIGNED, BLOCK, q1, 0, absmax1, 0, mOut, 0, n);
        Blockwise8bit.dequantize(UNSIGNED, BLOCK, q2, 0, absmax2, 0, vOut, 0, n);
      } else {
        System.arraycopy(m, 0, mOut, 0, n);
        System.arraycopy(v, 0, vOut, 0, n);
      }
    }

    void write(float[] mIn, float[] vIn) {
      if (eightBit()) {
        Blockwise8bit.quantize(SIGNED_MID, BLOCK, mIn, 0, n, q1, 0, absmax1, 0);
        Blockwise8bit.quantize(UNSIGNED_MID, BLOCK, vIn, 0, n, q2, 0, absmax2, 0);
        for (int i = 0; i < n; i++) { // keep m's sign
          int q = q1[i] & 0xFF;
          if (mIn[i] > 0 && SIGNED[q] < 0) {
            q1[i] = (byte) (q + 1);
          } else if (mIn[i] < 0 && SIGNED[q] > 0) {
            q1[i] = (byte) (q - 1);
          }
        }
      } else {
        System.arraycopy(mIn, 0, m, 0, n);
        System.arraycopy(vIn, 0, v, 0, n);
      }
    }
  }

  public AdamW8bit(AdamWConfig cfg) {
    this.cfg = cfg;
  }

  @Override
  public void step(List<LoraParams.Param> params, double lr, float gradScale) {
    t++;
    AdamWKernel.Scalars s = AdamWKernel.Scalars.of(cfg, t, lr);
    boolean was = Nd.gradMode(false);
    try {
      for (LoraParams.Param param : params) {
        NDArray value = param.value();
        int n = (int) value.getShape().size();
        State st = states.computeIfAbsent(param.name(), k -> new State(n));
        float[] p = value.toFloatArray();
        float[] g;
        try (NDArray grad = value.getGradient()) {
          g = grad.toFloatArray();
        }
        float[] m = new float[n];
        float[] v = new float[n];
        st.read(m, v);
        AdamWKernel.step(p, g, m, v, n, s, gradScale, cfg.weightDecay() > 0);
        st.write(m, v);
        Nd.assign(value, p);
      }
    } finally {
      Nd.gradMode(was);
    }
  }

  /** The dequantized moments of a parameter (tests compare them with 32-bit states). */
  public float[][] moments(String name) {
    State st = states.get(name);
    float[] m = new float[st.n];
    float[] v = new float[st.n];
    st.read(m, v);
    return new float[][] {m, v};
  }

  @Override
  public long steps() {
    return t;
  }

  @Override
  public long residentStateBytes() {
    long b = 0;
    for (State st : states.values()) {
      b += st.eightBit() ? 2L * st.n + 8L * st.absmax1.length : 8L * st.n;
    }
    return b;
  }

  @Override
  public void save(Path file) throws IOException {
    List<TensorSpec> specs = new ArrayList<>();
    for (var e : states.entrySet()) {
      State st = e.getValue();
      String k = e.getKey();
      if (st.eightBit()) {
        specs.add(new TensorSpec(k + ".state1", DType.U8, new long[] {st.n}));
        specs.add(new TensorSpec(k + ".state2", DType.U8, new long[] {st.n}));
        specs.add(new TensorSpec(k + ".absmax1", DType.F32, new long[] {st.absmax1.length}));
        specs.add(new TensorSpec(k + ".absmax2", DType.F32, new long[] {st.absmax2.length}));
      } else {
        specs.add(new TensorSpec(k + ".exp_avg", DType.F32, new long[] {st.n}));
        specs.add(new TensorSpec(k + ".exp_avg_sq", DType.F32, new long[] {st.n}));
      }
    }
    try (SafetensorsWriter w =
        SafetensorsWriter.create(
            file, specs, Map.of("optimizer", "adamw_8bit", "step", Long.toString(t)))) {
      for (var e : states.entrySet()) {
        State st = e.getValue();
        String k = e.getKey();
        if (st.eightBit()) {
          w.append(k + ".state1", st.q1);
          w.append(k + ".state2", st.q2);
          w.writeFloats(k + ".absmax1", st.absmax1);
          w.writeFloats(k + ".absmax2", st.absmax2);
        } else {
          w.writeFloats(k + ".exp_avg", st.m);
          w.writeFloats(k + ".exp_avg_sq", st.v);
        }
      }
    }
  }

  @Override
  public void load(Path file, List<LoraParams.Param> params) throws IOException {
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      String kind = f.metadata().getOrDefault("optimizer", "");
      if (!kind.equals("adamw_8bit")) {
        throw new IllegalArgumentException(
            file + ": expected adamw_8bit optimizer state, got '" + kind + "'");
      }
      t = Long.parseLong(f.metadata().get("step"));
      for (LoraParams.Param p : params) {
        int n = (int) p.value().getShape().size();
        State st = new State(n);
        String k = p.name();
        if (st.eightBit()) {
          st.q1 = f.readBytes(k + ".state1");
          st.q2 = f.readBytes(k + ".state2");
          st.absmax1 = f.readFloats(k + ".absmax1");
          st.absmax2 = f.readFloats(k + ".absmax2");
        } else {
          st.m = f.readFloats(k + ".exp_avg");
          st.v = f.readFloats(k + ".exp_avg_sq");
        }
        states.put(k, st);
      }
    }
  }
}
