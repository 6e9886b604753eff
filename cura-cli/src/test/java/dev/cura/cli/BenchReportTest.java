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

  private static JsonNode run(String json) throws Exception {
    return new ObjectMapper().readTree(json);
  }

  @Test
  void lockstepRatiosPairStepKOfEachRun() throws Exception {
    // a drifting machine: run 2 is twice as slow for both sides; step by step a is 0.9x b
    List<JsonNode> a =
        List.of(run("{\"step_seconds\":[0.9,0.9,1.8]}"), run("{\"step_seconds\":[1.8,1.8,1.8]}"));
    List<JsonNode> b =
        List.of(run("{\"step_seconds\":[1.0,1.0,2.0]}"), run("{\"step_seconds\":[2.0,2.0,2.0]}"));
    BenchReport.Paired p = BenchReport.paired(a, b, "step_seconds");
    assertEquals(6, p.pairs());
    assertEquals(0.9, p.median(), 1e-12);
    assertEquals(0.9, p.q1(), 1e-12);
    assertEquals(0.9, p.q3(), 1e-12);
    // the median-run ratio of the same data is 1.8 / 2.0 only by luck of the drift
    assertEquals(
        null,
        BenchReport.paired(a, List.of(run("{\"step_seconds\":[1.0]}")), "step_seconds"),
        "runs that do not pair give no paired ratio");
  }

  @Test
  void percentOfPeakIsTakenAgainstThePeakMeasuredAfterEachStep() throws Exception {
    // 100 GFLOP per step: 1 s at a 200 GFLOP/s peak, then 2 s when the machine ran at 100
    List<JsonNode> rs =
        List.of(run("{\"step_seconds\":[1.0,2.0,1.25],\"step_matmul_peak_gflops\":[200,100,100]}"));
    BenchReport.Paired p = BenchReport.paired(rs, 100e9, "step_seconds", "step_matmul_peak_gflops");
    assertEquals(3, p.pairs());
    assertEquals(0.5, p.median(), 1e-12); // 0.5, 0.5, 0.8
    assertEquals(0.65, p.q3(), 1e-12);
    assertEquals(
        null, BenchReport.paired(List.of(run("{\"step_seconds\":[1.0]}")), 1, "step_seconds", "x"));
  }

  @Test
  void quantilesInterpolateBetweenRanks() {
    List<Double> v = List.of(1.0, 2.0, 3.0, 4.0);
    assertEquals(2.5, BenchReport.quantile(v, 0.5), 1e-12);
    assertEquals(1.75, BenchReport.quantile(v, 0.25), 1e-12);
    assertEquals(4.0, BenchReport.quantile(v, 1.0), 1e-12);
  }
}
