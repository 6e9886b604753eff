package dev.cura.cli.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local stack's pieces that need no Kafka: process table, API key, process-tree stop. */
class StackPiecesTest {
  @TempDir Path dir;

  @Test
  void processTableRoundTripsAndReplacesByName() throws Exception {
    Path file = dir.resolve("stack.json");
    var t = StackState.load(file);
    assertTrue(t.entries().isEmpty());
    t = StackState.with(t, new StackState.Entry("kafka", 11, 9092, "kafka.Kafka", "u1"), null);
    t = StackState.with(t, new StackState.Entry("postgres", 12, 5555, "PgMain", "pg"), "pg-url");
    t = StackState.with(t, new StackState.Entry("kafka", 13, 9092, "kafka.Kafka", "u2"), null);
    StackState.save(file, t);

    var back = StackState.load(file);
    assertEquals(List.of("postgres", "kafka"), back.entries().stream().map(e -> e.name()).toList());
    assertEquals(13, back.entries().get(1).pid());
    assertEquals("pg-url", back.dbUrl());
  }

  @Test
  void entryIgnoresALivePidRunningSomethingElse() {
    long self = ProcessHandle.current().pid();
    assertFalse(new StackState.Entry("x", self, 1, "no-such-marker-xyz", "").process().isPresent());
    assertTrue(new StackState.Entry("x", self, 1, "java", "").process().isPresent());
  }

  @Test
  void apiKeyIsCreatedOnceAndKept() throws Exception {
    Path file = dir.resolve("local/api-key");
    String key = ApiKey.readOrCreate(file);
    assertTrue(key.startsWith("cura-dev-") && key.length() > 40, key);
    assertEquals(key, ApiKey.readOrCreate(file));
    assertEquals(
        "rw-------",
        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void stopTreeStopsAProcessAndItsChildren() throws Exception {
    // a shell that starts a grandchild and waits: both must be gone afterwards
    Process p = new ProcessBuilder("/bin/sh", "-c", "sleep 300 & wait").start();
    Thread.sleep(300);
    List<ProcessHandle> tree = p.toHandle().descendants().toList();
    assertFalse(tree.isEmpty(), "the shell's sleep child should be running");
    assertTrue(Children.stopTree(p.toHandle(), Duration.ofSeconds(10)));
    assertFalse(p.isAlive());
    tree.forEach(h -> assertFalse(h.isAlive(), "left behind: " + h.pid()));
  }

  @Test
  void freePortIsBindableAndThenReportedTaken() throws Exception {
    int port = Children.freePort();
    assertTrue(Children.portFree(port));
    try (var s = new java.net.ServerSocket()) {
      s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
      assertFalse(Children.portFree(port));
      assertTrue(Children.listening(port));
    }
  }
}
