package dev.cura.engine.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Process memory from /proc/self (Linux); −1 where unavailable.
 *
 * <p>The kernel's peak (VmHWM) can be reset by writing 5 to {@code /proc/self/clear_refs}, which
 * gives a per-step peak; the process-lifetime peak survives resets because each reset first folds
 * the current peak into {@link #peakRssBytes}.
 */
public final class MemoryStats {
  private static final AtomicLong FOLDED_PEAK = new AtomicLong(-1);

  private MemoryStats() {}

  /** Peak resident set size of the process so far, bytes. */
  public static long peakRssBytes() {
    return Math.max(FOLDED_PEAK.get(), field("VmHWM:"));
  }

  /** Peak resident set size since the last {@link #resetPeakRss} (or process start), bytes. */
  public static long windowPeakRssBytes() {
    return field("VmHWM:");
  }

  /** Starts a new peak window; returns false where the kernel does not allow it. */
  public static boolean resetPeakRss() {
    FOLDED_PEAK.accumulateAndGet(field("VmHWM:"), Math::max);
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Current resident set size (VmRSS) in bytes. */
  public static long rssBytes() {
    return field("VmRSS:");
  }

  private static long field(String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(name)) {
          String[] parts = line.substring(name.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
