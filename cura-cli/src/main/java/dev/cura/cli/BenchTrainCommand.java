package dev.cura.cli;

import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.cli.engine.Archs;
import dev.cura.cli.engine.BenchSide;
import dev.cura.cli.engine.BenchTrainWorker;
import dev.cura.cli.engine.CliErrors;
import dev.cura.cli.engine.OpProfile;
import dev.cura.cli.engine.PlanPrinter;
import dev.cura.core.synth.LlamaShape;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.nn.ComputeDevice;
import dev.cura.engine.nn.DtypeNames;
import dev.cura.tools.bench.TrainBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./cura bench train}: QLoRA step time and memory, side by side, optionally vs PyTorch. */
@Command(
    name = "train",
    description = {
      "QLoRA training steps on a synthetic Llama, side by side in one run: NF4 vs unquantized,"
          + " bf16 vs fp32 compute, and with --peer torch the same step in PyTorch eager"
          + " (same shapes, threads, precision). Each side runs in its own process; prints step"
          + " time, CPU seconds per step, tokens/s, GFLOP/s against the measured matmul peak,"
          + " peak RSS and the peak device memory of a step.",
      "With --plan: the predicted peak device memory of a step, broken down, without running.",
      "With --params 10B (or --quant nf4) only the NF4 side runs: the memory headline."
    })
public final class BenchTrainCommand implements Callable<Integer> {
  @Option(names = "--params", defaultValue = "50M", description = "model size, e.g. 100M, 1B, 10B")
  String params;

  @Option(names = "--seq-len", defaultValue = "256")
  int seqLen;

  @Option(names = "--rank", defaultValue = "16")
  int rank;

  @Option(names = "--batch-size", defaultValue = "1")
  int batch;

  @Option(
      names = "--warmup",
      description =
          "untimed steps per run before the timed ones, the same for every side (default 3 below"
              + " 3B parameters: CURA's JIT still compiles through the first steps; 1 from 3B up,"
              + " where a step takes minutes)")
  Integer warmup;

  @Option(
      names = "--steps",
      description =
          "timed steps per run, the run's figure is their median (default 5; 3 from 3B up)")
  Integer steps;

  @Option(
      names = {"--quant", "--only"},
      split = ",",
      description = "nf4, none or nf4,none (default both; nf4 only from 3B up)")
  List<String> quants;

  @Option(
      names = "--compute-dtype",
      split = ",",
      defaultValue = "auto",
      description = "bf16, fp32, auto (the device's default) or a list, e.g. fp32,bf16")
  List<String> dtypes;

  @Option(
      names = "--peer",
      description = "torch: run the same step in PyTorch eager beside each CURA side")
  String peer;

  @Option(
      names = "--python",
      defaultValue = "${env:CURA_TORCH_PYTHON:-/usr/bin/python3}",
      description =
          "Python with the torch to compare against (default $CURA_TORCH_PYTHON, else"
              + " /usr/bin/python3; use a pip torch, see docs/engine.md)")
  String python;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "libtorch intra-op threads for every side (0 = the machine's cores)")
  int threads;

  @Option(
      names = "--repeat",
      defaultValue = "1",
      description =
          "rounds of every side (in lockstep, or one side after the other with --no-lockstep);"
              + " the table shows the median round")
  int repeat;

  @Option(
      names = "--lockstep",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "start every side of a run at once and run them one step of one side at a time,"
              + " alternating, so each side's step n runs right beside the others' step n and the"
              + " ratios are medians of step-by-step ratios (default; on a shared machine whose"
              + " speed drifts by 10-25% between minutes this is what makes a 3% difference"
              + " visible). --no-lockstep runs the sides one after the other, for a machine that"
              + " cannot hold all sides' memory at once")
  boolean lockstep;

  @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or auto")
  String device;

  @Option(names = "--xmx", defaultValue = "1g", description = "Java heap of each worker JVM")
  String xmx;

  @Option(
      names = "--profile",
      paramLabel = "DIR",
      description =
          "after the timed steps, run one more step of every side under libtorch's (CURA) or"
              + " torch.profiler's (PyTorch) profiler and write it to DIR/<side>-<quant>-<dtype>.json"
              + " (Chrome trace: chrome://tracing or ui.perfetto.dev), with a table of the ops"
              + " that take the most time")
  Path profile;

  @Option(names = "--plan", description = "print the predicted peak device memory; run nothing")
  boolean plan;

  @Option(
      names = "--paper",
      description =
          "with --plan: the QLoRA recipe's plan for Llama-3 8B and LLaMA 13B/33B/65B at seq 512"
              + " and 2048 beside the QLoRA paper's figures")
  boolean paper;

  @Option(
      names = "--arch",
      completionCandidates = Archs.class,
      description =
          "a family's published shape nearest --params: ${COMPLETION-CANDIDATES} (llama3 8B ="
              + " Llama-3-8B); with --plan also llama (LLaMA-1 7B/13B/33B/65B) and llama2; default:"
              + " a generic synthetic Llama shape")
  String arch;

  @Override
  public Integer call() {
    return CliErrors.run(
        "bench train",
        () -> {
          if (plan && paper) {
            return PlanPrinter.paper();
          }
          if (paper) {
            throw new IllegalArgumentException("--paper goes with --plan");
          }
          if (plan) {
            return PlanPrinter.print(
                arch == null ? "synthetic" : arch,
                params,
                seqLen,
                batch,
                rank,
                quants,
                dtypes,
                device);
          }
          return bench();
        });
  }

  /**
   * Warm-up steps when none are asked for. A step's Java side (JNI glue, the NF4 kernel) is still
   * being compiled by C2 through the first steps, on the same cores as libtorch's threads:
   * 2026-12-07, 100M dense, JFR compilation events with no threshold: 450–950 ms of compilation a
   * second during the build and first step, then 180, 135, 86, 90, 186, 51, 45, 17 ms a second over
   * the next timed steps, which ran 1.07 → 0.97 s. So 3 below 3B; from 3B, where a step takes
   * minutes, the first step's compilation is noise and one warm-up step is enough.
   */
  static int defaultWarmup(long params) {
    return params >= 3_000_000_000L ? 1 : 3;
  }

  private int bench() throws Exception {
    long p = LlamaShape.parseParams(params);
    LlamaShape s = LlamaShape.forParams(p);
    boolean big = BenchTrainWorker.halfEmbeddings(p);
    List<String> qs = quants != null ? quants : big ? List.of("nf4") : List.of("nf4", "none");
    for (String q : qs) {
      if (!q.equals("nf4") && !q.equals("none")) {
        throw new IllegalArgumentException("--quant must be nf4 or none, got '" + q + "'");
      }
    }
    ComputeDevice dev = ComputeDevice.parse(device);
    List<String> ds = new ArrayList<>();
    for (String d : dtypes) {
      ds.add(DtypeNames.name(DtypeNames.resolve(d, dev)));
    }
    if (peer != null && !peer.equals("torch")) {
      throw new IllegalArgumentException("--peer must be torch, got '" + peer + "'");
    }
    if (peer != null && arch != null) {
      throw new IllegalArgumentException(
          "--peer torch runs the generic Llama shape; leave out --arch " + arch);
    }
    if (peer != null && !Files.isExecutable(Path.of(python))) {
      throw new IllegalArgumentException(
          "--peer torch needs a Python with torch; " + python + " is not executable (--python)");
    }
    int nThreads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    int warmup = this.warmup != null ? this.warmup : defaultWarmup(p);
    int steps = this.steps != null ? this.steps : p >= 3_000_000_000L ? 3 : 5;
    BenchSide.Common common =
        new BenchSide.Common(
            params,
            arch,
            s,
            seqLen,
            rank,
            batch,
            warmup,
            steps,
            nThreads,
            dev.name(),
            big,
            xmx,
            python,
            profile);
    if (profile != null) {
      Files.createDirectories(profile);
    }
    LlamaConfig cfg = BenchTrainWorker.config(arch, params); // the shape every CURA side runs
    BenchReport.header(cfg, rank, seqLen, batch, nThreads, steps, warmup, repeat, lockstep, dev);
    Map<String, TrainBench.MatmulPeak> peaks = new LinkedHashMap<>();
    for (String d : ds) {
      DataType t = DtypeNames.parse(d);
      TrainBench.MatmulPeak g = TrainBench.matmulPeak(dev.isGpu() ? 8192 : 1024, 2.0, t, dev.djl());
      peaks.put(d, g);
      System.out.printf(
          "measured %s matmul peak (%s, %d threads): %.1f GFLOP/s by wall time, %.1f per CPU"
              + " second%n",
          d, dev.isGpu() ? "8192³" : "1024³", nThreads, g.wallGflops(), g.cpuGflops());
    }
    List<BenchSide> sides = new ArrayList<>();
    for (String d : ds) {
      for (String q : qs) {
        sides.add(new BenchSide("cura", q, d));
        if (peer != null) {
          sides.add(new BenchSide("torch", q, d));
        }
      }
    }
    Map<BenchSide, List<JsonNode>> runs = new LinkedHashMap<>();
    for (int r = 0; r < repeat; r++) {
      if (lockstep) {
        lockstepRun(r, sides, common, runs);
        continue;
      }
      for (BenchSide side : sides) {
        System.out.printf("run %d/%d: %s ...%n", r + 1, repeat, side.label());
        runs.computeIfAbsent(side, k -> new ArrayList<>()).add(side.run(common));
      }
    }
    double flops = TrainBench.stepFlops(cfg, (long) batch * seqLen, seqLen);
    BenchReport.table(runs, peaks, flops, (long) batch * seqLen);
    BenchReport.peer(runs, peaks).forEach(System.out::println);
    BenchReport.ratios(runs, qs, ds, peer != null, lockstep);
    if (big) {
      double gib =
          BenchReport.median(runs.values().iterator().next(), "peak_rss_bytes") / (1L << 30);
      System.out.printf(
          "peak RSS %.2f GiB (target ≤ 8 GiB): %s%n", gib, gib <= 8 ? "met" : "NOT met");
    }
    if (profile != null) {
      profiles(common, sides);
    }
    BenchReport.footer();
    runs.values().forEach(l -> l.forEach(System.out::println));
    return 0;
  }

  /** Warm-up steps in lockstep while a JVM side is still compiling: at most this many... */
  static final int MAX_WARMUP_STEPS = 20;

  /** ...and for at most this long beyond the warm-up asked for (at 1B a round is ~60 s). */
  static final long MAX_EXTRA_WARMUP_NANOS = 120_000_000_000L;

  /**
   * One run of every side in lockstep: all processes start and wait; they build one after the
   * other, then each step runs side after side, the order reversed every step so no side always
   * follows the same one. Only one process computes at any time. The warm-up lasts the {@code
   * --warmup} steps and then as long as a CURA side reports its JIT still compiling (more than 2%
   * of a step's time; up to {@link #MAX_WARMUP_STEPS} steps and {@link #MAX_EXTRA_WARMUP_NANOS}
   * more), every side taking the same number of warm-up steps: the timed steps then measure the
   * steady state a long training run sees.
   */
  private void lockstepRun(
      int r, List<BenchSide> sides, BenchSide.Common common, Map<BenchSide, List<JsonNode>> runs)
      throws Exception {
    List<BenchSide.Running> started = new ArrayList<>();
    try {
      for (BenchSide side : sides) {
        started.add(side.start(common, true));
      }
      String what =
          String.join(", ", sides.stream().map(BenchSide::label).toList()) + " in lockstep";
      System.out.printf("run %d/%d: %s: building ...%n", r + 1, repeat, what);
      for (BenchSide.Running s : started) {
        s.advance("build");
      }
      int phase = 0;
      int w = 0;
      boolean stillCompiling = false;
      long extraSince = System.nanoTime(); // when the warm-up asked for ended
      while (w < common.warmup()
          || (stillCompiling
              && w < MAX_WARMUP_STEPS
              && System.nanoTime() - extraSince < MAX_EXTRA_WARMUP_NANOS)) {
        List<String> compiling = new ArrayList<>();
        for (BenchSide.Running s : phase++ % 2 == 0 ? started : started.reversed()) {
          if (s.advance("warmup").endsWith(" compiling")) {
            compiling.add(s.side().label());
          }
        }
        w++;
        stillCompiling = !compiling.isEmpty();
        System.out.printf(
            "run %d/%d: warm-up step %d%s%n",
            r + 1, repeat, w, stillCompiling ? " (JIT still compiling: " + compiling + ")" : "");
        if (w == common.warmup()) {
          extraSince = System.nanoTime();
        }
      }
      for (int k = 0; k < common.steps() + (profile != null ? 1 : 0); k++) {
        boolean timed = k < common.steps();
        System.out.printf(
            "run %d/%d: %s%n",
            r + 1, repeat, timed ? "step " + (k + 1) + "/" + common.steps() : "profiled step");
        for (BenchSide.Running s : phase++ % 2 == 0 ? started : started.reversed()) {
          s.advance(timed ? "timed" : "profile");
        }
      }
      for (BenchSide.Running s : started) {
        runs.computeIfAbsent(s.side(), k -> new ArrayList<>()).add(s.result());
      }
    } finally {
      started.forEach(BenchSide.Running::close);
    }
  }

  /** Per precision and quantization, the profiled step's op table of every side that ran. */
  private void profiles(BenchSide.Common common, List<BenchSide> sides) throws java.io.IOException {
    Map<String, Map<String, OpProfile>> byRun = new LinkedHashMap<>(); // "q d" → side → profile
    for (BenchSide side : sides) {
      Map<String, OpProfile> group =
          byRun.computeIfAbsent(side.quant() + " " + side.dtype(), k -> new LinkedHashMap<>());
      Path trace = common.trace(side);
      if (Files.isRegularFile(trace)) {
        group.put(side.label(), OpProfile.read(trace));
      }
    }
    for (Map.Entry<String, Map<String, OpProfile>> run : byRun.entrySet()) {
      System.out.println();
      System.out.println(
          "profiled step, " + run.getKey() + " (traces in " + profile.toAbsolutePath() + "):");
      OpProfile.table(run.getValue(), 15).forEach(System.out::println);
    }
  }
}
