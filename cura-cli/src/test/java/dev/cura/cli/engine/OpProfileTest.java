package dev.cura.cli.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpProfileTest {
  @TempDir Path dir;

  @Test
  void selfTimeIsTheDurationLessTheNestedOps() throws Exception {
    // libtorch's profiler through DJL: a bare array of complete events, no category
    Path cura = dir.resolve("cura.json");
    Files.writeString(
        cura,
        """
        [{"name":"aten::linear","ph":"X","ts":0,"dur":100,"tid":1,"pid":1},
         {"name":"aten::t","ph":"X","ts":1,"dur":4,"tid":1,"pid":1},
         {"name":"aten::mm","ph":"X","ts":10,"dur":80,"tid":1,"pid":1},
         {"name":"aten::mm","ph":"X","ts":200,"dur":50,"tid":1,"pid":1},
         {"name":"aten::add","ph":"X","ts":5,"dur":30,"tid":2,"pid":1}]
        """);
    OpProfile p = OpProfile.read(cura);
    assertEquals(16L, p.selfMicros().get("aten::linear"), "100 - 4 (t) - 80 (mm)");
    assertEquals(130L, p.selfMicros().get("aten::mm"));
    assertEquals(2, p.calls().get("aten::mm"));
    assertEquals(30L, p.selfMicros().get("aten::add"), "another thread is not nested");
    assertEquals(180L, p.totalMicros(), "the total is the threads' busy time, each µs once");
  }

  @Test
  void torchProfilerSpansAndPythonEventsAreLeftOut() throws Exception {
    Path torch = dir.resolve("torch.json");
    Files.writeString(
        torch,
        """
        {"traceEvents":[
         {"ph":"X","cat":"user_annotation","name":"PyTorch Profiler (0)","ts":0,"dur":1000,"tid":7,"pid":7},
         {"ph":"X","cat":"python_function","name":"train.py(12): step","ts":1,"dur":900,"tid":7,"pid":7},
         {"ph":"X","cat":"cpu_op","name":"aten::mm","ts":10,"dur":300,"tid":7,"pid":7},
         {"ph":"X","cat":"cpu_op","name":"aten::silu","ts":400,"dur":20,"tid":7,"pid":7},
         {"ph":"s","cat":"fwdbwd","name":"fwdbwd","ts":400,"tid":7,"pid":7}]}
        """);
    OpProfile p = OpProfile.read(torch);
    assertEquals(Map.of("aten::mm", 300L, "aten::silu", 20L), p.selfMicros());
    Map<String, OpProfile> sides = new LinkedHashMap<>();
    sides.put("torch", p);
    sides.put("cura", OpProfile.read(writeCura()));
    List<String> table = OpProfile.table(sides, 1);
    assertEquals(4, table.size(), "header, one op, the rest, the total: " + table);
    assertTrue(table.get(1).startsWith("aten::mm"), table.get(1));
    assertTrue(table.get(1).contains("0.3 ms 93.8% ×1"), table.get(1));
    assertTrue(table.get(1).contains("0.5 ms 100.0% ×1"), table.get(1));
    assertTrue(table.get(2).contains("0.0 ms  6.3%"), "silu is the rest: " + table.get(2));
  }

  private Path writeCura() throws Exception {
    Path f = dir.resolve("cura2.json");
    Files.writeString(f, "[{\"name\":\"aten::mm\",\"ph\":\"X\",\"ts\":0,\"dur\":500,\"tid\":1}]");
    return f;
  }
}
