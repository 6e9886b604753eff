package dev.cura.cli.engine;

import ai.djl.ndarray.types.DataType;
import dev.cura.core.synth.LlamaShape;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.nn.ComputeDevice;
import dev.cura.engine.nn.DtypeNames;
import dev.cura.engine.plan.MemoryPlan;
import dev.cura.engine.plan.PublishedShapes;
import dev.cura.tools.bench.SyntheticLlama;
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
            cfg,
            new MemoryPlan.Settings(
                nf4,
                true,
                64,
                compute,
                rank,
                batch,
                seqLen,
                gpu,
                true,
                // as the bench holds them: 16-bit from 3B up
                SyntheticLlama.embeddingDtype(
                    compute, BenchTrainWorker.halfEmbeddings(LlamaShape.parseParams(params)))));
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

  /** The QLoRA paper's models, with what the paper reports for each (arXiv:2305.14314). */
  private static final String[][] PAPER = {
    {"llama3", "8B", "— (7B: 5 GB deployed, Table 6)"},
    {"llama", "13B", "10 GB deployed (Table 6)"},
    {"llama", "33B", "trains on a 24 GB GPU; 21 GB deployed"},
    {"llama", "65B", "trains on a 48 GB GPU; 41 GB deployed"},
  };

  /**
   * {@code --plan --paper}: the QLoRA recipe (NF4 + DQ, bf16, r = 16 on all linears, batch 1, paged
   * AdamW, CUDA) for Llama-3 8B and LLaMA 13B/33B/65B at 512 and 2048 tokens, beside the paper's
   * figures — one table from one command.
   */
  public static int paper() {
    int[] lengths = {512, 2048};
    System.out.println(
        "memory plan, QLoRA recipe (NF4 + DQ block 64, bf16 compute, LoRA r=16 on all linears,"
            + " batch 1, per-layer recompute, paged AdamW) on CUDA; predicted peak device memory");
    System.out.printf("%-16s %10s %10s   %s%n", "model", "seq 512", "seq 2048", "QLoRA paper");
    for (String[] row : PAPER) {
      LlamaConfig cfg = PublishedShapes.config(row[0], row[1]);
      StringBuilder line = new StringBuilder(String.format("%-16s", row[0] + " " + row[1]));
      for (int len : lengths) {
        MemoryPlan plan =
            MemoryPlan.estimate(cfg, MemoryPlan.Settings.qlora(DataType.BFLOAT16, 1, len, true));
        line.append(String.format(" %6.2f GiB", gib(plan.totalBytes())));
      }
      System.out.println(line + "   " + row[2]);
    }
    System.out.println(
        "(24 GB = 22.35 GiB, 48 GB = 44.70 GiB; the paper's 33B/65B runs use 16 source + 512 target"
            + " tokens; per-model breakdown: --plan --arch ARCH --params P --seq-len L --device"
            + " cuda)");
    return 0;
  }

  private static double gib(long b) {
    return b / (double) (1L << 30);
  }
}
