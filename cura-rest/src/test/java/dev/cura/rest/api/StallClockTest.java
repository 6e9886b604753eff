package dev.cura.rest.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StallClockTest {
  private static final long MS = 1_000_000;

  @Test
  void aBodyWithNoNewByteForTheStallTimeHasStalled() {
    StallClock c = new StallClock(2000, 500, 10, 0);
    assertFalse(c.stalled(10, 500 * MS));
    assertFalse(c.stalled(10, 1000 * MS));
    assertFalse(c.stalled(10, 1500 * MS));
    assertTrue(c.stalled(10, 2000 * MS), "four on-time ticks without a byte: 2 s");
  }

  @Test
  void aByteRestartsTheWait() {
    StallClock c = new StallClock(2000, 500, 10, 0);
    assertFalse(c.stalled(10, 1500 * MS));
    assertFalse(c.stalled(11, 2000 * MS), "a byte arrived");
    assertFalse(c.stalled(11, 2500 * MS));
    assertFalse(c.stalled(11, 3000 * MS));
    assertFalse(c.stalled(11, 3500 * MS));
    assertTrue(c.stalled(11, 4000 * MS));
  }

  @Test
  void timeTheEventLoopWasHeldUpIsNotTheClients() {
    StallClock c = new StallClock(2000, 500, 0, 0);
    // the loop was blocked for 3 s (class loading under load): the first tick after it is late;
    // bytes the client sent meanwhile are delivered after this tick, so it must not answer 408
    assertFalse(c.stalled(0, 3000 * MS), "a late tick restarts the wait");
    assertFalse(c.stalled(0, 3500 * MS));
    assertFalse(c.stalled(0, 4500 * MS), "on time (2 periods): still counting");
    assertTrue(c.stalled(0, 5000 * MS), "a real stall after the hold-up is still answered");
  }
}
