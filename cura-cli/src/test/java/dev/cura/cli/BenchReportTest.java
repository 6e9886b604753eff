package dev.cura.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cura.cli.engine.BenchSide;
import dev.cura.cli.engine.BenchTrainWorker;
import dev.cura.tools.bench.TrainBench;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchReportTest {
  @Test
  void headerShowsTheArchPresetTheSidesRun() {
    // --arch llama3 --params 8B runs Llama-3-8B's shape, not the generic synthetic 8B shape
    String line = BenchReport.shapeLine(BenchTrainWorker.config("llama3", "8B"), 16, 256, 1);
    assertTrue(line.contains("synthetic llama: 8.03B params"), line);
    assertTrue(
        line.contains("hidden 4096, layers 32, intermediate 14336, heads 32/8, head_dim 128"),
        line);
    assertTrue(line.contains("vocab 128256)"), line);
    assertTrue(line.contains("LoRA r=16"), line);
  }

  @Test
  void headerWithoutArchShowsTheGenericShape() {
    String line = BenchReport.shapeLine(BenchTrainWorker.config(null, "8B"), 16, 256, 1);
    assertTrue(line.contains("vocab 32000"), line);
    assertFalse(line.contains("vocab 128256"), line);
  }

  private static final Map<String, TrainBench.MatmulPeak> CURA_PEAK =
      Map.of("fp32", new TrainBench.MatmulPeak(165.0, 88.0));

  /** Runs of a CURA side and a torch side, the torch one printing what torch_peer.py prints. */
  private static Map<BenchSide, List<JsonNode>> runs(String torchJson) throws Exception {
    ObjectMapper m = new ObjectMapper();
    Map<BenchSide, List<JsonNode>> runs = new LinkedHashMap<>();
    runs.put(new BenchSide("cura", "none", "fp32"), List.of(m.readTree("{\"peak_rss_bytes\":1}")));
    runs.put(new BenchSide("torch", "none", "fp32"), List.of(m.readTree(torchJson)));
    return runs;
  }

  @Test
  void aPeerOnAGenericBlasIsFlaggedInTheOutput() throws Exception {
    // what Debian's python3-torch 1.13 reported on this machine (BLAS_INFO=generic)
    List<String> lines =
        BenchReport.peer(
            runs(
                "{\"device\":\"cpu\",\"torch_version\":\"1.13.0a0\",\"blas\":\"generic\","
                    + "\"matmul_peak_gflops\":105.2,\"matmul_peak_cpu_gflops\":84.3}"),
            CURA_PEAK);
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(
        lines.get(0).contains("torch 1.13.0a0, BLAS generic, own matmul peak 105.2"), lines.get(0));
    assertTrue(lines.get(0).contains("(CURA's 165.0)"), lines.get(0));
    assertTrue(
        lines.get(1).startsWith("WARNING: the peer's torch is not built with MKL"), lines.get(1));
  }

  @Test
  void aPipTorchOnMklIsNotFlagged() throws Exception {
    List<String> lines =
        BenchReport.peer(
            runs(
                "{\"device\":\"cpu\",\"torch_version\":\"2.13.0+cpu\",\"blas\":\"mkl\","
                    + "\"matmul_peak_gflops\":154.9,\"matmul_peak_cpu_gflops\":82.4}"),
            CURA_PEAK);
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains("BLAS mkl"), lines.get(0));
  }

  @Test
  void eachSideIsMeasuredAgainstItsOwnMatmulPeak() throws Exception {
    Map<BenchSide, List<JsonNode>> runs =
        runs("{\"matmul_peak_gflops\":100.0,\"matmul_peak_cpu_gflops\":50.0}");
    TrainBench.MatmulPeak cura = CURA_PEAK.get("fp32");
    assertEquals(cura, BenchReport.ownPeak(runs.get(new BenchSide("cura", "none", "fp32")), cura));
    assertEquals(
        new TrainBench.MatmulPeak(100.0, 50.0),
        BenchReport.ownPeak(runs.get(new BenchSide("torch", "none", "fp32")), cura));
  }
}
