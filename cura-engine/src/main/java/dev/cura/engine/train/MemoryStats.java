package dev.cura.engine.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Process memory from /proc/self/status (Linux); −1 where unavailable. */
public final class MemoryStats {
  private MemoryStats() {}

  /** Peak resident set size (VmHWM) in bytes. */
  public static long peakRssBytes() {
    return field("VmHWM:");
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
