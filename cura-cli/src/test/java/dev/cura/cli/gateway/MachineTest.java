package dev.cura.cli.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MachineTest {
  /** utime, stime, cutime and cstime are fields 14–17, whatever the command name holds. */
  @Test
  void readsTheFourTimesAfterAnOddCommandName() {
    String stat =
        "4242 (postgres: a) b) S 1 4242 4242 0 -1 4194560 900 0 0 0 11 22 33 44 20 0 1 0 5 6 7";
    assertEquals(11 + 22 + 33 + 44, Machine.statTicks(stat));
  }

  /**
   * The time of a child that ended stays in the tree (its parent's cutime once reaped): a shell
   * that runs a busy child and waits for it reports at least the child's CPU.
   */
  @Test
  void aChildThatEndedStillCounts() throws Exception {
    Process p =
        new ProcessBuilder(
                "sh", "-c", "sh -c 'i=0; while [ $i -lt 1000000 ]; do i=$((i+1)); done'; sleep 5")
            .start();
    try {
      Duration seen = Duration.ZERO;
      long deadline = System.nanoTime() + 20_000_000_000L;
      // the busy child (about 1 CPU-s of dash) is gone once the parent sleeps; its time must show
      while (System.nanoTime() < deadline) {
        boolean childGone =
            p.toHandle().descendants().noneMatch(h -> h.info().command().orElse("").endsWith("sh"));
        seen = Machine.cpu(p.toHandle());
        if (childGone && seen.toMillis() > 0) {
          break;
        }
        Thread.sleep(50);
      }
      assertTrue(seen.toMillis() >= 200, "the ended child's CPU counts: " + seen);
    } finally {
      p.destroyForcibly();
    }
  }
}
