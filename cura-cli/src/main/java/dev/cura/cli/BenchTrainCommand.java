package dev.cura.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cura.cli.engine.BenchTrainWorker;
import dev.cura.cli.engine.CliErrors;
import dev.cura.core.synth.LlamaShape;
import dev.cura.engine.model.FamilyPresets;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.tools.bench.TrainBench;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./cura bench train}: QLoRA vs unquantized step time and memory. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "QLoRA (NF4) vs unquantized training steps on a synthetic Llama, side by side: step time,"
          + " tokens/s, GFLOP/s against the measured matmul peak, peak RSS (each side in its own JVM).",
      "With --params 10B (or --only nf4) only the NF4 side runs: the memory headline."
    })
public final class BenchTrainCommand implements Callable<Integer> {
  @Option(names = "--params", defaultValue = "50M", description = "model size, e.g. 50M, 1B, 10B")
  String params;

  @Option(
      names = "--arch",
      description =
          "llama3 | qwen2 | qwen3 | mistral | phi3 | gemma2: that family's published shape nearest"
              + " --params (llama3 8B = Llama-3-8B); default: a generic Llama shape")
  String arch;

  @Option(names = "--seq-len", defaultValue = "256")
  int seqLen;

  @Option(names = "--rank", defaultValue = "16")
  int rank;

  @Option(names = "--batch-size", defaultValue = "1")
  int batch;

  @Option(names = "--warmup", defaultValue = "1")
  int warmup;

  @Option(names = "--steps", defaultValue = "3")
  int steps;

  @Option(names = "--only", description = "nf4 | none: run one side")
  String only;

  @Option(names = "--xmx", defaultValue = "1g", description = "Java heap of each worker JVM")
  String xmx;

  @Override
  public Integer call() {
    return CliErrors.run(
        "bench train",
        () -> {
          long p = LlamaShape.parseParams(params);
          LlamaConfig s = BenchTrainWorker.config(arch, params);
          boolean big = p >= 3_000_000_000L;
          List<String> sides = new ArrayList<>();
          if (only != null) {
            sides.add(only);
          } else if (big) {
            sides.add("nf4");
          } else {
            sides.add("nf4");
            sides.add("none");
          }
          System.out.printf(
              "synthetic %s: %.2fB params (vocab %d, hidden %d, layers %d, intermediate %d,"
                  + " heads %d/%d), LoRA r=%d on all linears, seq %d, batch %d%n",
              arch == null ? "Llama" : arch,
              FamilyPresets.params(s) / 1e9,
              s.vocabSize(),
              s.hidden(),
              s.layers(),
              s.intermediate(),
              s.heads(),
              s.kvHeads(),
              rank,
              seqLen,
              batch);
          double peak = TrainBench.matmulPeakGflops(1024, 2.0);
          System.out.printf("measured float32 matmul peak (1024³): %.1f GFLOP/s%n", peak);
          List<JsonNode> results = new ArrayList<>();
          for (String side : sides) {
            System.out.println("running " + side + " ...");
            results.add(worker(side, big));
          }
          System.out.printf(
              "%-6s %12s %10s %10s %8s %14s %14s%n",
              "quant",
              "step (s)",
              "tokens/s",
              "GFLOP/s",
              "% peak",
              "weights (GiB)",
              "peak RSS (GiB)");
          for (JsonNode r : results) {
            System.out.printf(
                "%-6s %12.3f %10.1f %10.1f %7.1f%% %14.3f %14.3f%n",
                r.get("quant").asText(),
                r.get("median_step_seconds").asDouble(),
                r.get("tokens_per_second").asDouble(),
                r.get("gflops").asDouble(),
                100 * r.get("gflops").asDouble() / peak,
                r.get("resident_weight_bytes").asDouble() / (1L << 30),
                r.get("peak_rss_bytes").asDouble() / (1L << 30));
          }
          if (results.size() == 2) {
            double ratio =
                results.get(0).get("median_step_seconds").asDouble()
                    / results.get(1).get("median_step_seconds").asDouble();
            System.out.printf("NF4 step / unquantized step = %.3f (target ≤ 1.15)%n", ratio);
          }
          if (big) {
            double gib = results.get(0).get("peak_rss_bytes").asDouble() / (1L << 30);
            System.out.printf(
                "peak RSS %.2f GiB (target ≤ 8 GiB): %s%n", gib, gib <= 8 ? "met" : "NOT met");
          }
          for (JsonNode r : results) {
            System.out.println(r);
          }
          return 0;
        });
  }

  private JsonNode worker(String quant, boolean half) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("-Xmx" + xmx);
    cmd.add("--add-modules");
    cmd.add("jdk.incubator.vector");
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-Dai.djl.offline=true");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(BenchTrainWorker.class.getName());
    cmd.addAll(
        List.of(
            quant,
            params,
            Integer.toString(seqLen),
            Integer.toString(rank),
            Integer.toString(batch),
            Integer.toString(warmup),
            Integer.toString(steps),
            Boolean.toString(half),
            arch == null ? "-" : arch));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    // glibc's dynamic mmap threshold otherwise keeps freed per-layer temporaries (tens of MB each)
    // in malloc arenas: resident forever and counted in peak RSS
    pb.environment().putIfAbsent("MALLOC_MMAP_THRESHOLD_", "65536");
    pb.environment().putIfAbsent("MALLOC_TRIM_THRESHOLD_", "0");
    Process proc = pb.start();
    JsonNode result = null;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream()))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("RESULT ")) {
          result = new ObjectMapper().readTree(line.substring(7));
        }
      }
    }
    int rc = proc.waitFor();
    if (rc != 0 || result == null) {
      throw new IllegalStateException(
          "benchmark worker for " + quant + " failed (exit " + rc + ")");
    }
    return result;
  }
}
