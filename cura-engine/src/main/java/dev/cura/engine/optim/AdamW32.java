package dev.cura.engine.optim;

import ai.djl.ndarray.NDArray;
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
 * AdamW with 32-bit states ({@link AdamWKernel}); unpaged with {@link HeapStates}, paged ({@code
 * paged_adamw_32bit}) with {@link PagedStates} — the same arithmetic either way.
 */
public final class AdamW32 implements Optimizer {
  private final AdamWConfig cfg;
  private final StateStore states;
  private final Map<String, Integer> sizes = new LinkedHashMap<>();
  private long t;

  public AdamW32(AdamWConfig cfg, StateStore states) {
    this.cfg = cfg;
    this.states = states;
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
        states.ensure(param.name(), n);
        sizes.putIfAbsent(param.name(), n);
        float[] m = new float[n];
        float[] v = new float[n];
        states.read(param.name(), m, v);
        AdamWOnDevice.step(value, m, v, s, gradScale, cfg.weightDecay() > 0);
        states.write(param.name(), m, v);
      }
    } finally {
      Nd.gradMode(was);
    }
  }

  @Override
  public long steps() {
    return t;
  }

  @Override
  public long residentStateBytes() {
    return states.residentBytes();
  }

  @Override
  public void save(Path file) throws IOException {
    List<TensorSpec> specs = new ArrayList<>();
    sizes.forEach(
        (name, n) -> {
          specs.add(new TensorSpec(name + ".exp_avg", DType.F32, new long[] {n}));
          specs.add(new TensorSpec(name + ".exp_avg_sq", DType.F32, new long[] {n}));
        });
    try (SafetensorsWriter w =
        SafetensorsWriter.create(
            file, specs, Map.of("optimizer", "adamw_32bit", "step", Long.toString(t)))) {
      for (var e : sizes.entrySet()) {
        float[] m = new float[e.getValue()];
        float[] v = new float[e.getValue()];
        states.read(e.getKey(), m, v);
        w.writeFloats(e.getKey() + ".exp_avg", m);
        w.writeFloats(e.getKey() + ".exp_avg_sq", v);
      }
    }
  }

  @Override
  public void load(Path file, List<LoraParams.Param> params) throws IOException {
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      String kind = f.metadata().getOrDefault("optimizer", "");
      if (!kind.equals("adamw_32bit")) {
        throw new IllegalArgumentException(
            file + ": expected adamw_32bit optimizer state, got '" + kind + "'");
      }
      t = Long.parseLong(f.metadata().get("step"));
      for (LoraParams.Param p : params) {
        int n = (int) p.value().getShape().size();
        float[] m = f.readFloats(p.name() + ".exp_avg");
        float[] v = f.readFloats(p.name() + ".exp_avg_sq");
        if (m.length != n || v.length != n) {
          throw new IllegalArgumentException(
              file + ": state of " + p.name() + " has " + m.length + " elements, expected " + n);
        }
        states.ensure(p.name(), n);
        sizes.putIfAbsent(p.name(), n);
        states.write(p.name(), m, v);
      }
    }
  }

  @Override
  public void close() {
    try {
      states.close();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
