package dev.cura.cli.engine;

import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cura.core.synth.LlamaShape;
import dev.cura.core.util.FileTrees;
import dev.cura.engine.model.Arch;
import dev.cura.engine.model.FamilyPresets;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.nn.ComputeDevice;
import dev.cura.engine.nn.DtypeNames;
import dev.cura.engine.plan.MemoryPlan;
import dev.cura.engine.train.MemoryStats;
import dev.cura.tools.bench.SyntheticLlama;
import dev.cura.tools.bench.TrainBench;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One side of {@code ./cura bench train}, run in its own JVM so its peak RSS is its own: builds a
 * synthetic model, times QLoRA steps, prints one line {@code RESULT {json}}.
 *
 * <p>Arguments, {@code key=value}: quant (nf4|none), params, seq, rank, batch, warmup, steps, half
 * (bf16 embeddings), dtype (bf16|fp32), device (cpu|cuda), threads (reported; libtorch's pool is
 * set by the launcher through {@code ai.djl.pytorch.num_threads}), profile (optional: a Chrome
 * trace file for one extra, untimed step under libtorch's profiler), lockstep (true: run the build
 * and each step only when the launcher says so, see {@link Lockstep}).
 */
public final class BenchTrainWorker {
  private BenchTrainWorker() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String kv : args) {
      int i = kv.indexOf('=');
      a.put(kv.substring(0, i), kv.substring(i + 1));
    }
    LoadOptions.Quant quant = LoadOptions.Quant.parse(a.get("quant"));
    int seqLen = Integer.parseInt(a.get("seq"));
    int rank = Integer.parseInt(a.get("rank"));
    int batch = Integer.parseInt(a.get("batch"));
    int warmup = Integer.parseInt(a.get("warmup"));
    int steps = Integer.parseInt(a.get("steps"));
    boolean half = Boolean.parseBoolean(a.getOrDefault("half", "false"));
    ComputeDevice device = ComputeDevice.parse(a.getOrDefault("device", "cpu"));
    DataType dtype = DtypeNames.resolve(a.getOrDefault("dtype", "auto"), device);
    LlamaConfig cfg = config(a.get("arch"), a.get("params"));
    boolean lockstep = Boolean.parseBoolean(a.getOrDefault("lockstep", "false"));
    Lockstep gate = lockstep ? new Lockstep(dtype, device) : null;
    if (gate != null) {
      gate.await();
    }
    long t0 = System.nanoTime();
    Path pages = Files.createTempDirectory("cura-bench-pages");
    LoadOptions options = new LoadOptions(quant, device.djl(), dtype);
    try (LlamaModel model = SyntheticLlama.build(cfg, options, half, 7)) {
      double build = (System.nanoTime() - t0) / 1e9;
      long afterBuild = MemoryStats.rssBytes();
      long weights = model.residentWeightBytes();
      Path trace = a.containsKey("profile") ? Path.of(a.get("profile")) : null;
      if (gate != null) {
        gate.signal("READY");
      }
      TrainBench.Result r =
          TrainBench.run(
              model,
              rank,
              seqLen,
              batch,
              steps,
              pages,
              trace,
              gate != null ? gate : TrainBench.StepGate.warmup(warmup));
      var o = new ObjectMapper().createObjectNode();
      o.put("side", "cura");
      o.put("quant", a.get("quant"));
      o.put("dtype", DtypeNames.name(dtype));
      o.put("device", device.toString());
      o.put("threads", Integer.parseInt(a.getOrDefault("threads", "0")));
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
      o.put("buffer_bytes", r.bufferBytes());
      o.put("rss_before_step_bytes", r.idleRssBytes());
      o.put("median_step_seconds", r.medianStep());
      var st = o.putArray("step_seconds");
      r.stepSeconds().forEach(st::add);
      var sc = o.putArray("step_cpu_seconds");
      r.cpuSeconds().forEach(sc::add);
      o.put("warmup_steps", gate != null ? gate.warmups : warmup);
      if (gate != null) {
        var pw = o.putArray("step_matmul_peak_gflops");
        var pc = o.putArray("step_matmul_peak_cpu_gflops");
        for (TrainBench.MatmulPeak p : gate.peaks) {
          pw.add(p.wallGflops());
          pc.add(p.cpuGflops());
        }
      }
      o.put("cpu_seconds_per_step", r.medianCpu());
      o.put("tokens_per_second", r.tokensPerSecond());
      o.put("gflops", r.gflops());
      o.put("peak_rss_bytes", r.peakRssBytes());
      o.put("step_peak_device_bytes", r.maxStepPeakDeviceBytes());
      o.put("trainable_params", r.trainableParams());
      o.put("jvm_heap_committed_bytes", Runtime.getRuntime().totalMemory());
      o.put("step_flops", TrainBench.stepFlops(cfg, (long) batch * seqLen, seqLen));
      MemoryPlan plan =
          MemoryPlan.estimate(
              cfg,
              new MemoryPlan.Settings(
                  quant.type() != null, // 4-bit; a parsed Quant is not the NF4 constant
                  true,
                  64,
                  dtype,
                  rank,
                  batch,
                  seqLen,
                  device.isGpu(),
                  true,
                  SyntheticLlama.embeddingDtype(dtype, half)));
      o.put("plan_bytes", plan.totalBytes());
      if (gate != null) {
        gate.await(); // exiting a JVM takes CPU: not while another side steps
      }
      System.out.println("RESULT " + o);
    } finally {
      FileTrees.deleteQuietly(pages); // the optimizer's page file is gone; its directory too
    }
  }

  /**
   * The worker's half of the lockstep protocol ({@link BenchSide.Running}): it reads a line from
   * stdin before its build, before every step and before it prints its result and exits, and
   * answers on stdout with {@code READY} after the build and {@code STEP n warm|compiling} after
   * step n. The line before a step says what it is ({@code go warmup}, {@code go timed}, {@code go
   * profile}): the launcher ends the warm-up when no JVM side is still compiling. "compiling" means
   * the JIT spent more than {@link #WARM_COMPILE_SHARE} of the step's wall time compiling (C2
   * shares the cores with libtorch's threads). Before answering, the worker waits (up to 2 s,
   * untimed) until the JIT has compiled nothing for 100 ms, so its compiler threads do not run
   * during another side's step; after a timed step it also measures the matmul peak (0.25 s), so
   * each step's "% of peak" is taken against the machine as fast as it was then.
   */
  static final class Lockstep implements TrainBench.StepGate {
    /**
     * The share of a step's wall time spent compiling above which the JIT is still warming up: 2%.
     * Measured at the 50M bench shape (0.5 s steps, 2026-12-07): C2 compiled 180, 135, 86, 90, 186,
     * 51, 45, 17 ms a second through the steps after 3 warm-up steps, and the dense step ran 1.015×
     * PyTorch's after 3 warm-up steps against 0.954× after 12.
     */
    static final double WARM_COMPILE_SHARE = 0.02;

    private final BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    private final DataType dtype;
    private final ComputeDevice device;
    private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    final List<TrainBench.MatmulPeak> peaks = new java.util.ArrayList<>();
    int warmups;
    private boolean timed;
    private long compiled0;
    private long t0;

    Lockstep(DataType dtype, ComputeDevice device) {
      this.dtype = dtype;
      this.device = device;
    }

    /** Waits for the launcher's next line and returns its last word. */
    String await() {
      try {
        String line = in.readLine();
        if (line == null) {
          throw new IllegalStateException("lockstep: the launcher closed this worker's stdin");
        }
        String[] words = line.trim().split(" ");
        return words[words.length - 1];
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void signal(String marker) {
      System.out.println(marker);
      System.out.flush();
    }

    @Override
    public boolean before(int step) {
      String what = await();
      timed = what.equals("timed");
      if (what.equals("warmup")) {
        warmups++;
      }
      compiled0 = compileMillis();
      t0 = System.nanoTime();
      return timed;
    }

    @Override
    public void after(int step) {
      double wallMillis = (System.nanoTime() - t0) / 1e6;
      boolean compiling = compileMillis() - compiled0 > WARM_COMPILE_SHARE * wallMillis;
      if (timed) {
        peaks.add(TrainBench.matmulPeak(device.isGpu() ? 8192 : 1024, 0.25, dtype, device.djl()));
      }
      quiesceCompiler();
      signal("STEP " + step + (compiling ? " compiling" : " warm"));
    }

    private long compileMillis() {
      return jit != null && jit.isCompilationTimeMonitoringSupported()
          ? jit.getTotalCompilationTime()
          : 0;
    }

    private void quiesceCompiler() {
      if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
        return;
      }
      long deadline = System.nanoTime() + 2_000_000_000L;
      long last = compileMillis();
      int quiet = 0;
      while (quiet < 5 && System.nanoTime() < deadline) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        long now = compileMillis();
        quiet = now == last ? quiet + 1 : 0;
        last = now;
      }
    }
  }

  /**
   * Whether the bench holds a model of {@code params} with 16-bit embedding and lm_head (from 3B
   * up: a 10B model's 262M embedding parameters would otherwise take 1 GiB in float32).
   */
  public static boolean halfEmbeddings(long params) {
    return params >= 3_000_000_000L;
  }

  /**
   * The benchmarked architecture: {@code arch}'s published shape nearest {@code params} ({@link
   * FamilyPresets}), or with no arch the generic Llama shape of {@link LlamaShape#forParams}.
   */
  public static LlamaConfig config(String arch, String params) {
    long p = LlamaShape.parseParams(params);
    if (arch != null && !arch.equals("synthetic")) {
      return FamilyPresets.forParams(arch, p);
    }
    return config(LlamaShape.forParams(p));
  }

  /** The synthetic Llama of a shape (head_dim 128, untied, θ = 10000). */
  public static LlamaConfig config(LlamaShape s) {
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
        4096,
        Arch.LLAMA);
  }
}
