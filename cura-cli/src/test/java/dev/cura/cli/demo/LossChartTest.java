package dev.cura.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LossChartTest {
  @Test
  void aFallingLossStartsTopLeftAndEndsBottomRight() {
    TreeMap<Long, Double> losses = new TreeMap<>();
    for (long step = 1; step <= 100; step++) {
      losses.put(step, 8.0 - 6.0 * step / 100);
    }
    List<String> lines = LossChart.render(losses, 20, 5).lines().toList();
    assertEquals(7, lines.size(), String.join("\n", lines)); // 5 rows, axis, step labels
    String top = lines.get(0);
    String bottom = lines.get(4);
    assertTrue(top.startsWith("   7.82 ┤*"), top); // first bucket: mean of steps 1-5
    assertTrue(bottom.startsWith("   2.12 ┤") && bottom.endsWith("*"), bottom); // steps 96-100
    assertEquals(20, top.length() - top.indexOf('┤') - 1, "one column per bucket");
    assertTrue(lines.get(6).contains("step 1") && lines.get(6).endsWith("step 100"), lines.get(6));
  }

  @Test
  void tooFewPointsSaySo() {
    TreeMap<Long, Double> one = new TreeMap<>();
    one.put(1L, 3.0);
    assertTrue(LossChart.render(one, 20, 5).contains("no training-loss events"));
  }
}
