package dev.cura.cli.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.core.synth.LlamaShape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lockstep protocol of {@code ./cura bench train} against real worker JVMs: two CURA sides (NF4
 * and dense) on the smallest synthetic shape, stepped one phase of one side at a time.
 */
class BenchLockstepTest {
  @Test
  void sidesStepOnlyWhenToldAndReportEveryTimedStep() throws Exception {
    int warmup = 1;
    int steps = 2;
    BenchSide.Common common =
        new BenchSide.Common(
            "16M",
            null,
            LlamaShape.forParams(16_000_000L),
            16,
            4,
            1,
            warmup,
            steps,
            1,
            "cpu",
            false,
            "512m",
            "/usr/bin/python3",
            null);
    List<BenchSide.Running> started = new ArrayList<>();
    try {
      for (String q : List.of("nf4", "none")) {
        started.add(new BenchSide("cura", q, "fp32").start(common, true));
      }
      // nothing is asked of a side yet: it has started its JVM and waits before building
      Thread.sleep(3000); // longer than this shape's whole run takes ungated
      for (BenchSide.Running s : started) {
        assertTrue(s.isWaiting(), s.side().label() + " ran ahead of the launcher");
      }
      for (BenchSide.Running s : started) {
        assertEquals("READY", s.advance("build"));
      }
      for (int p = 0; p < warmup + steps; p++) {
        for (BenchSide.Running s : started) {
          String line = s.advance(p < warmup ? "warmup" : "timed");
          assertTrue(line.matches("STEP " + p + " (warm|compiling)"), line);
        }
      }
      for (BenchSide.Running s : started) {
        JsonNode r = s.result();
        assertEquals(s.side().quant(), r.get("quant").asText());
        assertEquals(warmup, r.get("warmup_steps").asInt(), "the launcher decides the warm-up");
        for (String key :
            List.of(
                "step_seconds",
                "step_cpu_seconds",
                "step_matmul_peak_gflops",
                "step_matmul_peak_cpu_gflops")) {
          assertEquals(steps, r.get(key).size(), key + " of " + r);
          for (JsonNode v : r.get(key)) {
            assertTrue(v.asDouble() > 0, key + " of " + r);
          }
        }
      }
    } finally {
      started.forEach(BenchSide.Running::close);
    }
  }
}
