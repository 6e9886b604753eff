package dev.cura.cli.engine;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.core.synth.LlamaShape;
import dev.cura.engine.model.LlamaLoader;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.nn.ComputeDevice;
import dev.cura.engine.nn.DtypeNames;
import dev.cura.tools.bench.TrainBench;
import java.nio.file.Path;

/**
 * The Java half of {@code deploy/gpu/device-check.sh}: needs only the engine's jars (no Kafka,
 * PostgreSQL or the CPU libtorch), prints one {@code RESULT {json}} line.
 *
 * <pre>
 * DeviceCheck parity MODEL_DIR DEVICE   CPU float32 logits vs DEVICE float32 and bf16 logits
 * DeviceCheck peak DEVICE DTYPE N       measured n×n×n matmul throughput on DEVICE, GFLOP/s
 * DeviceCheck shape PARAMS              the synthetic Llama's dimensions (for the PyTorch peer)
 * </pre>
 *
 * Parity bounds: float32 on CUDA against float32 on the CPU differs only by summation order (TF32
 * is off by default in libtorch), so max |Δ| / max |logit| &lt; 1e-4; bf16 on CUDA gets the bound
 * of the CPU's bf16-vs-float32 test (MixedPrecisionTest: 4% of the largest logit), and the argmax
 * must agree on ≥ 90% of positions.
 */
public final class DeviceCheck {
  private DeviceCheck() {}

  public static void main(String[] a) throws Exception {
    ObjectNode o = new ObjectMapper().createObjectNode();
    switch (a[0]) {
      case "parity" -> parity(Path.of(a[1]), ComputeDevice.parse(a[2]), o);
      case "peak" -> {
        ComputeDevice dev = ComputeDevice.parse(a[1]);
        DataType t = DtypeNames.parse(a[2]);
        int n = Integer.parseInt(a[3]);
        o.put("device", dev.name());
        o.put("dtype", DtypeNames.name(t));
        o.put("n", n);
        o.put("gflops", TrainBench.matmulPeakGflops(n, 3.0, t, dev.djl()));
      }
      case "shape" -> {
        LlamaShape s = LlamaShape.forParams(LlamaShape.parseParams(a[1]));
        o.put("params", s.params());
        o.put("hidden", s.hidden());
        o.put("layers", s.layers());
        o.put("heads", s.heads());
        o.put("kv_heads", s.kvHeads());
        o.put("intermediate", s.intermediate());
        o.put("vocab", s.vocab());
      }
      default -> throw new IllegalArgumentException("usage: DeviceCheck parity|peak|shape ...");
    }
    System.out.println("RESULT " + o);
  }

  private static void parity(Path model, ComputeDevice device, ObjectNode o) throws Exception {
    long[] ids = new long[64];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = 1 + (i * 37L) % 4000;
    }
    float[] cpu = logits(model, LoadOptions.cpu(LoadOptions.Quant.NONE), ids);
    o.put("device", device.name());
    o.put("positions", ids.length);
    boolean ok = true;
    for (DataType t : new DataType[] {DataType.FLOAT32, DataType.BFLOAT16}) {
      float[] dev = logits(model, new LoadOptions(LoadOptions.Quant.NONE, device.djl(), t), ids);
      int vocab = cpu.length / ids.length;
      double maxErr = 0, maxRef = 0;
      int agree = 0;
      for (int p = 0; p < ids.length; p++) {
        int ac = 0, ad = 0;
        for (int v = 0; v < vocab; v++) {
          int i = p * vocab + v;
          maxErr = Math.max(maxErr, Math.abs(cpu[i] - dev[i]));
          maxRef = Math.max(maxRef, Math.abs(cpu[i]));
          ac = cpu[i] > cpu[p * vocab + ac] ? v : ac;
          ad = dev[i] > dev[p * vocab + ad] ? v : ad;
        }
        agree += ac == ad ? 1 : 0;
      }
      String k = DtypeNames.name(t);
      double rel = maxErr / maxRef;
      double bound = t == DataType.FLOAT32 ? 1e-4 : 0.04;
      boolean pass = rel < bound && agree >= 0.9 * ids.length;
      ok &= pass;
      o.put(k + "_max_abs_diff", maxErr);
      o.put(k + "_relative", rel);
      o.put(k + "_bound", bound);
      o.put(k + "_argmax_agree", agree);
      o.put(k + "_pass", pass);
    }
    o.put("pass", ok);
  }

  private static float[] logits(Path model, LoadOptions opts, long[] ids) throws Exception {
    try (LlamaModel m = LlamaLoader.load(model, opts);
        NDManager mgr = NDManager.newBaseManager(opts.device())) {
      return m.logits(ids, mgr);
    }
  }
}
