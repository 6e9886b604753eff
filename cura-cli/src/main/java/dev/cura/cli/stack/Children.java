package dev.cura.cli.stack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Starting and stopping the stack's child processes. */
public final class Children {
  private Children() {}

  /**
   * Starts {@code command} in its own session (so Ctrl-C in the terminal or the CLI's exit does not
   * reach it) with stdout and stderr appended to {@code log}.
   *
   * @return the child's process
   */
  public static Process spawn(List<String> command, Map<String, String> env, Path dir, Path log)
      throws IOException {
    Files.createDirectories(log.getParent());
    var cmd = new ArrayList<String>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add("/usr/bin/setsid");
    }
    cmd.addAll(command);
    var pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    return pb.start();
  }

  /**
   * Fails when a child that is still starting has exited: {@code "<what> exited with status N
   * during start; see <log>"}.
   */
  static void checkStarting(Process p, String what, Path log) throws IOException {
    if (!p.isAlive()) {
      throw new IOException(
          what + " exited with status " + p.exitValue() + " during start; see " + log);
    }
  }

  /** The {@code java} of the running JDK (the stack runs on the same Java 25 as the CLI). */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** True when nothing listens on 127.0.0.1:{@code port} and it can be bound. */
  public static boolean portFree(int port) {
    try (var s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** True when something accepts connections on 127.0.0.1:{@code port}. */
  public static boolean listening(int port) {
    try (var s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A port the OS says is free now. */
  public static int freePort() throws IOException {
    try (var s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * Stops a process and everything below it: SIGTERM to all, wait up to {@code grace}, then SIGKILL
   * to what is left.
   *
   * @return true when nothing of the tree is left
   */
  public static boolean stopTree(ProcessHandle root, Duration grace) {
    var all = new ArrayList<ProcessHandle>();
    all.add(root);
    root.descendants().forEach(all::add);
    all.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    while (System.nanoTime() < deadline && all.stream().anyMatch(ProcessHandle::isAlive)) {
      sleep(100);
    }
    all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    long killDeadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < killDeadline && all.stream().anyMatch(ProcessHandle::isAlive)) {
      sleep(100);
    }
    return all.stream().noneMatch(ProcessHandle::isAlive);
  }

  /**
   * The full command line of a process from {@code /proc/<pid>/cmdline} (arguments joined by
   * spaces), or empty when it cannot be read. {@code ProcessHandle.Info.commandLine()} is not used:
   * it comes back empty for some long command lines.
   */
  public static Optional<String> commandLine(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      return raw.length == 0
          ? Optional.empty()
          : Optional.of(new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
