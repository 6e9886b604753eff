package dev.cura.cli.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** What the bench reads about the machine: executables, load, CPU time of process trees. */
final class Machine {
  private Machine() {}

  /** An executable called {@code name} on the PATH, or null. */
  static String onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  /** Runs the JDK's {@code jcmd} against a JVM (e.g. to start and stop a flight recording). */
  static void jcmd(ProcessHandle jvm, String... command) throws IOException, InterruptedException {
    var cmd = new java.util.ArrayList<String>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    cmd.add(Long.toString(jvm.pid()));
    cmd.addAll(java.util.List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("jcmd " + String.join(" ", command) + " failed: " + out.strip());
    }
  }

  /** The 1, 5 and 15 minute load averages ({@code /proc/loadavg}). */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /**
   * CPU time (user + system) of a process tree so far: for every live process of the tree, its own
   * time plus that of its children it has reaped ({@code /proc/<pid>/stat} utime, stime, cutime,
   * cstime). A process that ends between two readings moves its whole time into its parent's
   * cutime/cstime, so differences stay right when PostgreSQL backends or autovacuum workers come
   * and go (counting live processes only, a worker that ran before the timed run and ended in it
   * made the database's CPU per submission come out at a quarter of the truth).
   */
  static Duration cpu(ProcessHandle root) {
    long ticks = ticks(root.pid());
    for (ProcessHandle h : root.descendants().toList()) {
      ticks += ticks(h.pid());
    }
    return Duration.ofMillis(ticks * 1000 / CLOCK_TICKS);
  }

  /** USER_HZ: the unit of /proc's CPU times (100 on every Linux the JDK runs on). */
  private static final long CLOCK_TICKS = 100;

  /** utime + stime + cutime + cstime of one process, 0 when it is gone. */
  static long ticks(long pid) {
    try {
      return statTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Fields 14–17 of a {@code /proc/<pid>/stat} line (after the parenthesised command name). */
  static long statTicks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    // f[0] is field 3 (state): utime is field 14 = f[11]
    return Long.parseLong(f[11])
        + Long.parseLong(f[12])
        + Long.parseLong(f[13])
        + Long.parseLong(f[14]);
  }

  /** Busy and total jiffies of all CPUs ({@code /proc/stat}), for the machine's busy share. */
  static long[] cpuTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]); // idle + iowait
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }
}
