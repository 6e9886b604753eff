package dev.cura.cli.quant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Peak resident set size of this process ({@code VmHWM} of /proc/self/status; Linux). */
public final class PeakRss {
  private PeakRss() {}

  /** Peak RSS in bytes, or -1 where /proc is not available. */
  public static long bytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          String[] p = line.trim().split("\\s+");
          return Long.parseLong(p[1]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
