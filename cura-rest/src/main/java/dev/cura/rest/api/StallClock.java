package dev.cura.rest.api;

/**
 * Decides when a request body has stopped arriving, from periodic ticks on the request's event
 * loop: stalled once no byte has been read for the stall time. Time during which the ticks
 * themselves did not run (the event loop was held up by our own work, e.g. class loading under
 * load) is not the client's: a tick that comes more than two periods late restarts the wait, so
 * bytes that were buffered meanwhile and are delivered after this tick are not answered with a
 * false 408.
 */
final class StallClock {
  private final long stallNanos;
  private final long periodNanos;
  private long bytes;
  private long lastProgress;
  private long lastTick;

  StallClock(long stallMillis, long periodMillis, long bytesRead, long nowNanos) {
    this.stallNanos = stallMillis * 1_000_000;
    this.periodNanos = periodMillis * 1_000_000;
    this.bytes = bytesRead;
    this.lastProgress = nowNanos;
    this.lastTick = nowNanos;
  }

  /** One tick: {@code true} when the body has stalled. */
  boolean stalled(long bytesRead, long nowNanos) {
    boolean late = nowNanos - lastTick > 2 * periodNanos;
    lastTick = nowNanos;
    if (bytesRead != bytes || late) {
      bytes = bytesRead;
      lastProgress = nowNanos;
      return false;
    }
    return nowNanos - lastProgress >= stallNanos;
  }
}
