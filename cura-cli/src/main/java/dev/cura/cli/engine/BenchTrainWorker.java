package dev.cura.cli.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cura.core.synth.LlamaShape;
import dev.cura.engine.model.FamilyPresets;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.train.MemoryStats;
import dev.cura.tools.bench.SyntheticLlama;
import dev.cura.tools.bench.TrainBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One side of {@code ./cura bench train}, run in its own JVM so its peak RSS is its own: builds a
 * synthetic model, times QLoRA steps, prints one line {@code RESULT {json}}.
 *
 * <p>Arguments: quant params seqLen rank batch warmup steps halfEmbeddings
 */
public final class BenchTrainWorker {
  private BenchTrainWorker() {}

  public static void main(String[] a) throws Exception {
    LoadOptions.Quant quant = LoadOptions.Quant.parse(a[0]);
    int seqLen = Integer.parseInt(a[2]);
    int rank = Integer.parseInt(a[3]);
    int batch = Integer.parseInt(a[4]);
    int warmup = Integer.parseInt(a[5]);
    int steps = Integer.parseInt(a[6]);
    boolean half = Boolean.parseBoolean(a[7]);
    LlamaConfig cfg = config(a.length > 8 && !a[8].equals("-") ? a[8] : null, a[1]);
    long t0 = System.nanoTime();
    Path pages = Files.createTempDirectory("cura-bench-pages");
    try (LlamaModel model = SyntheticLlama.build(cfg, quant, half, 7)) {
      double build = (System.nanoTime() - t0) / 1e9;
      long afterBuild = MemoryStats.rssBytes();
      long weights = model.residentWeightBytes();
      TrainBench.Result r = TrainBench.run(model, rank, seqLen, batch, warmup, steps, pages);
      var o = new ObjectMapper().createObjectNode();
      o.put("quant", a[0]);
      o.put("arch", cfg.modelType());
      o.put("params", FamilyPresets.params(cfg));
      o.put("vocab", cfg.vocabSize());
      o.put("hidden", cfg.hidden());
      o.put("layers", cfg.layers());
      o.put("kv_heads", cfg.kvHeads());
      o.put("intermediate", cfg.intermediate());
      o.put("build_seconds", build);
      o.put("rss_after_build_bytes", afterBuild);
      o.put("resident_weight_bytes", weights);
      o.put("median_step_seconds", r.medianStep());
      var st = o.putArray("step_seconds");
      r.stepSeconds().forEach(st::add);
      o.put("tokens_per_second", r.tokensPerSecond());
      o.put("gflops", r.gflops());
      o.put("peak_rss_bytes", r.peakRssBytes());
      o.put("trainable_params", r.trainableParams());
      System.out.println("RESULT " + o);
    }
  }

  /**
   * The benchmarked architecture: {@code arch}'s published shape nearest {@code params} ({@link
   * FamilyPresets}), or with no arch the generic Llama shape of {@link LlamaShape#forParams}.
   */
  public static LlamaConfig config(String arch, String params) {
    long p = LlamaShape.parseParams(params);
    if (arch != null) {
      return FamilyPresets.forParams(arch, p);
    }
    LlamaShape s = LlamaShape.forParams(p);
    return new LlamaConfig(
        "llama",
        s.vocab(),
        s.hidden(),
        s.intermediate(),
        s.layers(),
        s.heads(),
        s.kvHeads(),
        LlamaShape.HEAD_DIM,
        1e-5,
        10000,
        false,
        0,
        1,
        List.of(2),
        4096);
  }
}
