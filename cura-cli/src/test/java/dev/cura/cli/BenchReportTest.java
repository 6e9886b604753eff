package dev.cura.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.cli.engine.BenchTrainWorker;
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
}
