package dev.cura.engine.optim;

import dev.cura.core.safetensors.SafetensorsFile;
import dev.cura.core.safetensors.SafetensorsWriter;
import dev.cura.core.safetensors.TensorSpec;
import dev.cura.core.tensor.DType;
import java.io.IOException;
import java.util.List;

/**
 * AdamW with 32-bit states ({@link AdamWKernel}): m then v as float32 in the parameter's slot;
 * unpaged ({@code adamw_32bit}) with {@link HeapStates}, paged ({@code paged_adamw_32bit}) with
 * {@link PagedStates} — the same arithmetic either way. Checkpoint tensors: {@code
 * <param>.exp_avg}, {@code <param>.exp_avg_sq}.
 */
public final class AdamW32 extends AdamW {
  public AdamW32(AdamWConfig cfg, StateStore states) {
    super(cfg, states, "adamw_32bit");
  }

  @Override
  long stateBytes(int n) {
    return 8L * n;
  }

  @Override
  void readMoments(String name, int n, float[] m, float[] v) {
    states.read(name, 0, m);
    states.read(name, 4L * n, v);
  }

  @Override
  void writeMoments(String name, int n, float[] m, float[] v) {
    states.write(name, 0, m);
    states.write(name, 4L * n, v);
  }

  @Override
  List<TensorSpec> stateTensors(String name, int n) {
    return floatTensors(name, n);
  }

  @Override
  void saveState(SafetensorsWriter w, String name, int n) throws IOException {
    saveFloats(this, w, name, n);
  }

  @Override
  void loadState(SafetensorsFile f, String name, int n) throws IOException {
    writeMoments(name, n, floats(f, name + ".exp_avg", n), floats(f, name + ".exp_avg_sq", n));
  }

  /** {@code exp_avg}, {@code exp_avg_sq}: the 32-bit checkpoint tensors of a parameter. */
  static List<TensorSpec> floatTensors(String name, int n) {
    return List.of(
        new TensorSpec(name + ".exp_avg", DType.F32, new long[] {n}),
        new TensorSpec(name + ".exp_avg_sq", DType.F32, new long[] {n}));
  }

  /** Writes a parameter's float32 moments as {@link #floatTensors}. */
  static void saveFloats(AdamW opt, SafetensorsWriter w, String name, int n) throws IOException {
    float[][] mv = opt.moments(name);
    w.writeFloats(name + ".exp_avg", mv[0]);
    w.writeFloats(name + ".exp_avg_sq", mv[1]);
  }
}
