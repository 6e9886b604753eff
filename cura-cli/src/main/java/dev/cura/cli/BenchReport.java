package dev.cura.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.cli.engine.BenchSide;
import dev.cura.engine.model.FamilyPresets;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.nn.ComputeDevice;
import dev.cura.tools.bench.TrainBench;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code ./cura bench train} prints: everything needed to reproduce and judge a run on a
 * shared machine (machine, load before and after, versions, the exact settings), the table of
 * sides, and the ratios measured side by side in the same run.
 */
final class BenchReport {
  private static String loadBefore;

  private BenchReport() {}

  /** The first header line: the shape every CURA side runs (the --arch preset's, or generic). */
  static String shapeLine(LlamaConfig s, int rank, int seqLen, int batch) {
    return String.format(
        "synthetic %s: %.2fB params (hidden %d, layers %d, intermediate %d, heads %d/%d, head_dim"
            + " %d, vocab %d%s), LoRA r=%d on all linears, seq %d, batch %d, per-layer recompute",
        s.modelType(),
        FamilyPresets.params(s) / 1e9,
        s.hidden(),
        s.layers(),
        s.intermediate(),
        s.heads(),
        s.kvHeads(),
        s.headDim(),
        s.vocabSize(),
        s.tieWordEmbeddings() ? ", tied" : "",
        rank,
        seqLen,
        batch);
  }

  static void header(
      LlamaConfig s,
      int rank,
      int seqLen,
      int batch,
      int threads,
      int steps,
      int warmup,
      int repeat,
      boolean lockstep,
      ComputeDevice dev) {
    System.out.println(shapeLine(s, rank, seqLen, batch));
    System.out.printf(
        "device %s, %d libtorch threads per side, %s + %d timed steps per run, %d run(s) per"
            + " side, %s%n",
        dev.name(),
        threads,
        lockstep
            ? "at least " + warmup + " warm-up steps (more while a JVM side's JIT compiles)"
            : warmup + " warm-up steps",
        steps,
        repeat,
        lockstep
            ? "sides in lockstep (one step of one side at a time, alternating)"
            : "sides one after the other");
    System.out.printf(
        "machine: %s, %d cores, java %s%n",
        cpuModel(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    loadBefore = loadAverage();
    System.out.println("load average before: " + loadBefore);
  }

  /**
   * The sides. "% peak" is the step's GFLOP/s against its own side's matmul peak by wall time
   * (CURA: DJL's libtorch, measured here; the peer: its own torch and BLAS, measured in its
   * process); "% peak cpu" the same by CPU seconds (the step's FLOPs / its process CPU seconds
   * against the matmul's), the figure to read on a loaded machine. In lockstep every side measures
   * its peak again right after each timed step, and the column is the median over steps of step k's
   * rate against the peak measured after it: one peak measured minutes earlier, on a machine whose
   * speed drifts, moved this column between 57% and 107% for the same build.
   */
  static void table(
      Map<BenchSide, List<JsonNode>> runs,
      Map<String, TrainBench.MatmulPeak> peaks,
      double flops,
      long tokens) {
    System.out.printf(
        "%-17s %10s %12s %8s %9s %8s %7s %10s %8s %9s %8s%n",
        "side",
        "step (s)",
        "min-max",
        "cpu s",
        "tok/s",
        "GFLOP/s",
        "% peak",
        "% peak cpu",
        "RSS GiB",
        "step GiB",
        "weights");
    for (var e : runs.entrySet()) {
      List<JsonNode> rs = e.getValue();
      double step = median(rs, "median_step_seconds");
      double cpu = median(rs, "cpu_seconds_per_step");
      double gflops = flops / step / 1e9;
      TrainBench.MatmulPeak peak = ownPeak(rs, peaks.get(e.getKey().dtype()));
      double pctWall = 100 * gflops / peak.wallGflops();
      double pctCpu = 100 * flops / cpu / 1e9 / peak.cpuGflops();
      Paired wallByStep = paired(rs, flops, "step_seconds", "step_matmul_peak_gflops");
      Paired cpuByStep = paired(rs, flops, "step_cpu_seconds", "step_matmul_peak_cpu_gflops");
      if (wallByStep != null && cpuByStep != null) {
        pctWall = 100 * wallByStep.median();
        pctCpu = 100 * cpuByStep.median();
      }
      String device =
          rs.get(0).has("step_peak_device_bytes") ? "step_peak_device_bytes" : "peak_device_bytes";
      System.out.printf(
          "%-17s %10.3f %12s %8.2f %9.1f %8.1f %6.1f%% %9.1f%% %8.3f %9s %8s%n",
          e.getKey().label(),
          step,
          String.format(
              "%.2f-%.2f", min(rs, "median_step_seconds"), max(rs, "median_step_seconds")),
          cpu,
          tokens / step,
          gflops,
          pctWall,
          pctCpu,
          median(rs, "peak_rss_bytes") / (1L << 30),
          gib(rs, device),
          gib(rs, "resident_weight_bytes"));
    }
  }

  /** The peak a side measured in its own process (the peer does), else CURA's. */
  static TrainBench.MatmulPeak ownPeak(List<JsonNode> rs, TrainBench.MatmulPeak cura) {
    return rs.get(0).has("matmul_peak_gflops")
        ? new TrainBench.MatmulPeak(
            median(rs, "matmul_peak_gflops"), median(rs, "matmul_peak_cpu_gflops"))
        : cura;
  }

  /**
   * What the peer ran on: its torch, the BLAS it was built with and its own matmul peak beside
   * CURA's. Debian's python3-torch is built against the system's generic libblas.so.3 and without
   * its AVX-512 kernels: its large matmul is close to CURA's, but its step is 3-5x slower than the
   * pip wheel's (MKL) on the same CPU, so CURA / PyTorch ratios against it flatter CURA. The output
   * says so rather than a footnote.
   */
  static List<String> peer(
      Map<BenchSide, List<JsonNode>> runs, Map<String, TrainBench.MatmulPeak> peaks) {
    List<String> lines = new ArrayList<>();
    for (var e : runs.entrySet()) {
      List<JsonNode> rs = e.getValue();
      if (!e.getKey().side().equals("torch") || !rs.get(0).has("matmul_peak_gflops")) {
        continue;
      }
      String blas = rs.get(0).path("blas").asText("?");
      lines.add(
          String.format(
              "peer %s: torch %s, BLAS %s, own matmul peak %.1f GFLOP/s (CURA's %.1f)",
              e.getKey().dtype(),
              rs.get(0).path("torch_version").asText("?"),
              blas,
              median(rs, "matmul_peak_gflops"),
              peaks.get(e.getKey().dtype()).wallGflops()));
      if (rs.get(0).path("device").asText().equals("cpu") && !blas.equals("mkl")) {
        lines.add(
            "WARNING: the peer's torch is not built with MKL (BLAS "
                + blas
                + "; Debian's python3-torch calls the system's generic BLAS): it is not the"
                + " PyTorch a user would install, and CURA / PyTorch ratios against it flatter"
                + " CURA. Point --python at a pip torch (docs/engine.md, \"The train bench's"
                + " peer\")");
      }
      break; // every torch side of a run runs the same torch
    }
    return lines;
  }

  private static String gib(List<JsonNode> rs, String key) {
    return rs.get(0).has(key) ? String.format("%.3f", median(rs, key) / (1L << 30)) : "-";
  }

  static void ratios(
      Map<BenchSide, List<JsonNode>> runs,
      List<String> quants,
      List<String> dtypes,
      boolean peer,
      boolean lockstep) {
    for (String d : dtypes) {
      if (quants.contains("nf4") && quants.contains("none")) {
        for (String side : peer ? List.of("cura", "torch") : List.of("cura")) {
          BenchSide a = new BenchSide(side, "nf4", d);
          BenchSide b = new BenchSide(side, "none", d);
          System.out.printf(
              "%s %s: NF4 step / unquantized step = %s%s%n",
              side,
              d,
              ratioText(runs, a, b, lockstep),
              side.equals("cura") ? " (target ≤ 1.15)" : "");
        }
      }
      if (peer) {
        for (String q : quants) {
          BenchSide c = new BenchSide("cura", q, d);
          BenchSide t = new BenchSide("torch", q, d);
          System.out.printf(
              "%s %s: CURA step / PyTorch eager step = %s (target ≤ 1.0); peak RSS ratio %.3f%n",
              q,
              d,
              ratioText(runs, c, t, lockstep),
              median(runs.get(c), "peak_rss_bytes") / median(runs.get(t), "peak_rss_bytes"));
        }
      }
    }
    if (dtypes.contains("bf16") && dtypes.contains("fp32")) {
      for (String q : quants) {
        BenchSide a = new BenchSide("cura", q, "bf16");
        BenchSide b = new BenchSide("cura", q, "fp32");
        System.out.printf(
            "cura %s: bf16 step / fp32 step = %s (goal ≤ 0.7)%n",
            q, ratioText(runs, a, b, lockstep));
      }
    }
  }

  /**
   * "r (by CPU seconds c)": the median run's ratio; in lockstep the median of the step-by-step
   * ratios instead, with how many pairs and their middle half.
   */
  static String ratioText(
      Map<BenchSide, List<JsonNode>> runs, BenchSide a, BenchSide b, boolean lockstep) {
    Paired wall = lockstep ? paired(runs.get(a), runs.get(b), "step_seconds") : null;
    Paired cpu = lockstep ? paired(runs.get(a), runs.get(b), "step_cpu_seconds") : null;
    if (wall == null || cpu == null) {
      return String.format("%.3f (by CPU seconds %.3f)", ratio(runs, a, b), cpuRatio(runs, a, b));
    }
    return String.format(
        "%.3f (median of %d step pairs run in lockstep, middle half %.3f-%.3f; by CPU seconds"
            + " %.3f)",
        wall.median(), wall.pairs(), wall.q1(), wall.q3(), cpu.median());
  }

  /**
   * Step-by-step ratios of a over b: their median and quartiles.
   *
   * @param pairs how many ratios
   */
  record Paired(double median, double q1, double q3, int pairs) {}

  /**
   * a's timed step k of run r over b's step k of the same run, for every run and step (in lockstep
   * the two ran one right after the other, so slow phases of a shared machine cancel); null where a
   * run of either side lacks {@code key} or the two ran different numbers of steps.
   */
  static Paired paired(List<JsonNode> a, List<JsonNode> b, String key) {
    if (a == null || b == null || a.size() != b.size()) {
      return null;
    }
    List<Double> r = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      JsonNode x = a.get(i).get(key);
      JsonNode y = b.get(i).get(key);
      if (x == null || y == null || !x.isArray() || x.size() != y.size()) {
        return null;
      }
      for (int k = 0; k < x.size(); k++) {
        r.add(x.get(k).asDouble() / y.get(k).asDouble());
      }
    }
    return summary(r);
  }

  /**
   * Each timed step's rate against the peak measured right after it: (flops / {@code timeKey}[k]) /
   * {@code peakKey}[k] in GFLOP/s, over every run and step; null where the runs lack either list.
   */
  static Paired paired(List<JsonNode> rs, double flops, String timeKey, String peakKey) {
    List<Double> r = new ArrayList<>();
    for (JsonNode run : rs) {
      JsonNode t = run.get(timeKey);
      JsonNode p = run.get(peakKey);
      if (t == null || p == null || !t.isArray() || t.size() != p.size()) {
        return null;
      }
      for (int k = 0; k < t.size(); k++) {
        r.add(flops / t.get(k).asDouble() / 1e9 / p.get(k).asDouble());
      }
    }
    return summary(r);
  }

  /** The median and quartiles of {@code r} (sorted here); null when it is empty. */
  private static Paired summary(List<Double> r) {
    if (r.isEmpty()) {
      return null;
    }
    r.sort(Double::compare);
    return new Paired(quantile(r, 0.5), quantile(r, 0.25), quantile(r, 0.75), r.size());
  }

  /** Linear interpolation between the closest ranks of sorted {@code v}. */
  static double quantile(List<Double> v, double q) {
    double pos = q * (v.size() - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(v.size() - 1, lo + 1);
    return v.get(lo) + (pos - lo) * (v.get(hi) - v.get(lo));
  }

  /** Median over runs of each run's median step, a / b. */
  static double ratio(Map<BenchSide, List<JsonNode>> runs, BenchSide a, BenchSide b) {
    return median(runs.get(a), "median_step_seconds") / median(runs.get(b), "median_step_seconds");
  }

  /** The same by CPU seconds per step. */
  static double cpuRatio(Map<BenchSide, List<JsonNode>> runs, BenchSide a, BenchSide b) {
    return median(runs.get(a), "cpu_seconds_per_step")
        / median(runs.get(b), "cpu_seconds_per_step");
  }

  static void footer() {
    System.out.println("load average before: " + loadBefore + "; after: " + loadAverage());
  }

  static double median(List<JsonNode> rs, String key) {
    List<Double> v = values(rs, key);
    v.sort(Double::compare);
    return v.isEmpty() ? Double.NaN : v.get(v.size() / 2);
  }

  private static double min(List<JsonNode> rs, String key) {
    return values(rs, key).stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  private static double max(List<JsonNode> rs, String key) {
    return values(rs, key).stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  private static List<Double> values(List<JsonNode> rs, String key) {
    List<Double> v = new ArrayList<>();
    for (JsonNode r : rs) {
      if (r.has(key)) {
        v.add(r.get(key).asDouble());
      }
    }
    return v;
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return "unknown CPU";
  }
}
