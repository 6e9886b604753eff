package dev.cura.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SideBySideTest {
  @Test
  void wrapsWordsToTheColumnWidth() {
    assertEquals(
        List.of("Thanks, @maria_k!", "So glad you", "enjoyed it. ~Jo"),
        SideBySide.wrap("Thanks, @maria_k! So glad you enjoyed it. ~Jo", 17));
    assertEquals(List.of("abcde", "fgh"), SideBySide.wrap("abcdefgh", 5), "long words are cut");
  }

  @Test
  void printsBothRepliesInColumnsWithTheirRuleCounts() {
    String comment = "@maria_k: Loved the ramen video!";
    String good = "Thanks, @maria_k! So glad you enjoyed the ramen video. ~Jo";
    String bad = "and the LORD said unto Moses";
    var row =
        new ReplyComparison.Row(
            comment,
            good,
            bad,
            good,
            VoiceRules.check(comment, bad),
            VoiceRules.check(comment, good));
    String out = SideBySide.format(row, 1, 30);
    String[] lines = out.split("\n");
    assertEquals("1. " + comment, lines[0]);
    // the reference reply follows every rule that applies (short, thanks, kind, sign-off)
    assertTrue(
        lines[1].matches(" {3}base \\(\\d/4 rules\\) +│ fine-tuned \\(4/4 rules\\)"), lines[1]);
    // each column is padded to the width (30), then " │ "
    assertEquals("   and the LORD said unto Moses   │ Thanks, @maria_k! So glad you", lines[2]);
    assertEquals("   " + " ".repeat(30) + " │ enjoyed the ramen video. ~Jo", lines[3]);
  }

  @Test
  void reportComparesRatesPerRule() {
    VoiceTally base = new VoiceTally();
    VoiceTally tuned = new VoiceTally();
    String c = "@ana: nice video";
    base.add(VoiceRules.check(c, "the the the"));
    tuned.add(VoiceRules.check(c, "Thanks, @ana! Glad you liked it. ~Jo"));
    String report = DemoReport.compare(base, tuned);
    assertTrue(report.contains("signs_off             0.0% →  100.0%   (applies to 1)"), report);
    assertTrue(report.contains("all rules             0.0% →  100.0%"), report);
  }
}
