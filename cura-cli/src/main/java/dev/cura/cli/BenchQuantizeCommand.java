package dev.cura.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.cli.quant.BenchFiles;
import dev.cura.cli.quant.PlainCopy;
import dev.cura.core.synth.LlamaShape;
import dev.cura.core.synth.SyntheticCheckpoint;
import dev.cura.core.util.FileTrees;
import dev.cura.core.util.Json;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./cura bench quantize}: on a synthetic checkpoint, the quantizer's wall time, input GB/s
 * and peak RSS (in a fresh child JVM running {@code cura quantize}, so nothing else counts), next
 * to a plain copy of the same files measured the same way in the same run: the sides alternate
 * (copy, quantize, copy, quantize), each starts from the same page-cache state of the input (read
 * once beforehand, or evicted with {@code --cache cold}), and each side's time includes flushing
 * its output to disk (fsync), so neither leaves dirty pages for the other to pay for. Best of two
 * per side.
 */
@Command(
    name = "quantize",
    description = "Quantizer throughput and peak memory vs a plain copy of the same files.")
public final class BenchQuantizeCommand implements Callable<Integer> {
  @Option(
      names = "--params",
      defaultValue = "1B",
      description = "synthetic model size (${DEFAULT-VALUE})")
  String params;

  @Option(
      names = "--work",
      defaultValue = ".cura/bench/quantize",
      description = "scratch directory (default ${DEFAULT-VALUE})")
  Path work;

  @Option(names = "--keep", description = "keep the synthetic checkpoint and outputs")
  boolean keep;

  @Option(
      names = "--cache",
      defaultValue = "warm",
      description =
          "warm: the input is in the page cache at the start of each side (read once before);"
              + " cold: evicted before each side (dd iflag=nocache)")
  String cache;

  @Override
  public Integer call() throws Exception {
    LlamaShape shape = LlamaShape.forParams(LlamaShape.parseParams(params));
    Path src = work.resolve("synth-" + params);
    Path copyDir = work.resolve("copy");
    Path outDir = work.resolve("quantized");
    FileTrees.deleteQuietly(copyDir);
    FileTrees.deleteQuietly(outDir);
    Files.createDirectories(work);
    if (!Files.exists(src.resolve("config.json"))) {
      System.err.printf("bench: writing a synthetic %s checkpoint to %s%n", params, src);
      long t = System.nanoTime();
      SyntheticCheckpoint.write(shape, 0, src, b -> {});
      System.err.printf("bench: synth took %.1f s%n", (System.nanoTime() - t) / 1e9);
    }
    List<Path> files;
    try (var listing = Files.list(src)) {
      files = listing.filter(Files::isRegularFile).sorted().toList();
    }
    String loadAtStart = Files.readString(Path.of("/proc/loadavg")).trim();
    long bytes = 0;
    for (Path f : files) {
      bytes += Files.size(f);
    }
    if (!cache.equals("warm") && !cache.equals("cold")) {
      throw new IllegalArgumentException("--cache must be warm or cold, got '" + cache + "'");
    }
    BenchFiles.fsync(files); // the synthetic checkpoint's own dirty pages go first
    double[] copies = new double[2];
    double[] quants = new double[2];
    ObjectNode q = null;
    for (int round = 0; round < 2; round++) {
      BenchFiles.prepareCache(files, cache);
      copies[round] = timeCopy(files, copyDir);
      BenchFiles.prepareCache(files, cache);
      FileTrees.deleteQuietly(outDir);
      q = runQuantizeChild(src, outDir);
      long t = System.nanoTime();
      BenchFiles.fsync(BenchFiles.list(outDir));
      quants[round] = q.get("seconds").asDouble() + (System.nanoTime() - t) / 1e9;
    }
    double copy = Math.min(copies[0], copies[1]);
    double memBw = memoryBandwidth();
    double qs = Math.min(quants[0], quants[1]);
    ObjectNode r = Json.MAPPER.createObjectNode();
    r.put("params", shape.params());
    r.put("input_bytes", bytes);
    r.put("quantize_seconds", qs);
    r.put("quantize_wall_seconds_incl_jvm", q.get("wall_seconds").asDouble());
    r.put("quantize_input_gb_per_s", q.get("bytes_read").asLong() / qs / 1e9);
    r.put(
        "quantize_read_plus_write_gb_per_s",
        (q.get("bytes_read").asLong() + q.get("bytes_written").asLong()) / qs / 1e9);
    r.put("quantize_cpu_seconds", q.get("cpu_seconds").asDouble());
    r.put(
        "load_average_at_end",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    r.put("copy_seconds", copy);
    r.put("copy_seconds_runs", copies[0] + "," + copies[1]);
    r.put("quantize_seconds_runs", quants[0] + "," + quants[1]);
    r.put("cache", cache);
    r.put("load_average_at_start", loadAtStart);
    r.put("copy_gb_per_s", bytes / copy / 1e9);
    r.put("ratio_quantize_to_copy", qs / copy);
    r.put("memory_copy_gb_per_s", memBw);
    // DESIGN §8: (bytes read + written) / time against a single-pass memory-bandwidth bound
    r.put(
        "fraction_of_memory_bandwidth",
        (q.get("bytes_read").asLong() + q.get("bytes_written").asLong()) / qs / 1e9 / memBw);
    r.put("peak_rss_bytes", q.get("peak_rss_bytes").asLong());
    r.put("peak_rss_mib", q.get("peak_rss_bytes").asLong() / (1 << 20));
    r.put("bits_per_param", q.get("bits_per_param").asDouble());
    r.put("mean_abs_error", q.get("mean_abs_error").asDouble());
    r.put("cpus", Runtime.getRuntime().availableProcessors());
    String json = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(r);
    Files.writeString(work.resolve("bench-quantize-" + params + ".json"), json + "\n");
    System.out.println(json);
    System.out.printf(
        "quantize %s (%s cache, output flushed): %.2f s (%.2f GB/s in, %.1f CPU-s), copy %.2f s →"
            + " ratio %.2f (target ≤ 1.5); peak RSS %d MiB (target < 1024); load %s → %s%n",
        params,
        cache,
        qs,
        q.get("bytes_read").asLong() / qs / 1e9,
        q.get("cpu_seconds").asDouble(),
        copy,
        qs / copy,
        q.get("peak_rss_bytes").asLong() >> 20,
        loadAtStart,
        Files.readString(Path.of("/proc/loadavg")).trim());
    FileTrees.deleteQuietly(copyDir);
    if (!keep) {
      FileTrees.deleteQuietly(outDir);
      FileTrees.deleteQuietly(src);
    }
    return 0;
  }

  /**
   * In-memory copy bandwidth (GB/s of bytes read + written): best of 5 copies of a 256 MiB off-heap
   * buffer — the single-pass bound the quantizer's read + write traffic is compared to.
   */
  static double memoryBandwidth() {
    long size = 256L << 20;
    try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
      java.lang.foreign.MemorySegment src = a.allocate(size, 64);
      java.lang.foreign.MemorySegment dst = a.allocate(size, 64);
      src.fill((byte) 1);
      dst.fill((byte) 0);
      double best = Double.MAX_VALUE;
      for (int i = 0; i < 5; i++) {
        long t = System.nanoTime();
        java.lang.foreign.MemorySegment.copy(src, 0, dst, 0, size);
        best = Math.min(best, (System.nanoTime() - t) / 1e9);
      }
      return 2.0 * size / best / 1e9;
    }
  }

  private static double timeCopy(List<Path> files, Path dest) throws IOException {
    FileTrees.deleteQuietly(dest);
    long t = System.nanoTime();
    PlainCopy.copy(files, dest);
    BenchFiles.fsync(BenchFiles.list(dest));
    double s = (System.nanoTime() - t) / 1e9;
    FileTrees.deleteQuietly(dest);
    return s;
  }

  /** Runs {@code cura quantize} in a child JVM with this JVM's flags; returns its report. */
  private static ObjectNode runQuantizeChild(Path src, Path out) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(CuraMain.class.getName());
    cmd.addAll(List.of("quantize", src.toString(), out.toString(), "--quiet", "--print-peak-rss"));
    long t = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int rc = p.waitFor();
    double wall = (System.nanoTime() - t) / 1e9;
    if (rc != 0) {
      throw new IOException("cura quantize exited with " + rc + ": " + stdout);
    }
    long rss = -1;
    double cpu = -1;
    for (String line : stdout.split("\n")) {
      if (line.startsWith("peak_rss_bytes=")) {
        rss = Long.parseLong(line.substring("peak_rss_bytes=".length()).trim());
      } else if (line.startsWith("cpu_seconds=")) {
        cpu = Double.parseDouble(line.substring("cpu_seconds=".length()).trim());
      }
    }
    JsonNode rep = Json.MAPPER.readTree(out.resolve("quantization_report.json").toFile());
    ObjectNode n = (ObjectNode) rep;
    n.put("peak_rss_bytes", rss);
    n.put("cpu_seconds", cpu);
    n.put("wall_seconds", wall);
    return n;
  }
}
