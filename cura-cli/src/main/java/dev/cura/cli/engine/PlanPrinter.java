package dev.cura.cli.engine;

import ai.djl.ndarray.types.DataType;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.nn.ComputeDevice;
import dev.cura.engine.nn.DtypeNames;
import dev.cura.engine.plan.MemoryPlan;
import dev.cura.engine.plan.PublishedShapes;
import java.util.List;

/** {@code ./cura bench train --plan}: the memory plan of a step, printed as a table. */
public final class PlanPrinter {
  private PlanPrinter() {}

  public static int print(
      String arch,
      String params,
      int seqLen,
      int batch,
      int rank,
      List<String> quants,
      List<String> dtypes,
      String device) {
    LlamaConfig cfg = PublishedShapes.config(arch, params);
    boolean gpu = !device.equalsIgnoreCase("cpu");
    DataType compute =
        dtypes.size() == 1 && !dtypes.get(0).equals("auto")
            ? DtypeNames.parse(dtypes.get(0))
            : gpu ? DataType.BFLOAT16 : ComputeDevice.cpu().defaultComputeDtype();
    boolean nf4 = quants == null || !quants.contains("none") || quants.contains("nf4");
    MemoryPlan plan =
        MemoryPlan.estimate(
            cfg, new MemoryPlan.Settings(nf4, true, 64, compute, rank, batch, seqLen, gpu, true));
    long params0 =
        (long) cfg.layers()
                * ((long) cfg.hidden()
                        * (2L * cfg.heads() * cfg.headDim() + 2L * cfg.kvHeads() * cfg.headDim())
                    + 3L * cfg.hidden() * cfg.intermediate())
            + 2L * cfg.vocabSize() * cfg.hidden();
    System.out.printf(
        "memory plan: %s %s (%.2fB params: hidden %d, layers %d, heads %d/%d, intermediate %d,"
            + " vocab %d), %s, %s compute, LoRA r=%d on all linears, batch %d, seq %d, per-layer"
            + " recompute, paged AdamW, on %s%n",
        arch,
        params,
        params0 / 1e9,
        cfg.hidden(),
        cfg.layers(),
        cfg.heads(),
        cfg.kvHeads(),
        cfg.intermediate(),
        cfg.vocabSize(),
        nf4 ? "NF4 + DQ (block 64)" : "dense base",
        DtypeNames.name(compute),
        rank,
        batch,
        seqLen,
        gpu ? "cuda" : "cpu");
    for (MemoryPlan.Item i : plan.items()) {
      System.out.printf("  %-50s %9.2f GiB   %s%n", i.name(), gib(i.bytes()), i.formula());
    }
    System.out.printf(
        "  %-50s %9.2f GiB%n", "predicted peak device memory", gib(plan.totalBytes()));
    return 0;
  }

  private static double gib(long b) {
    return b / (double) (1L << 30);
  }
}
