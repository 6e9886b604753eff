package dev.cura.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the images' shell scripts (bash, as in the container) against a local HTTP server that plays
 * the service: the health probe and the trainer's preStop drain hook.
 */
class ContainerScriptsTest {

  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile int drainStatus = 200;

  @BeforeEach
  void startFakeService() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    respond("/q/health/live", () -> 200);
    respond("/q/health/ready", () -> 503);
    respond("/v1/trainer/drain", () -> drainStatus);
    server.start();
  }

  /**
   * Serves {@code path} with an empty body and the status {@code status} gives, logging the call.
   */
  private void respond(String path, IntSupplier status) {
    server.createContext(
        path,
        ex -> {
          requests.add(ex.getRequestMethod() + " " + ex.getRequestURI());
          ex.sendResponseHeaders(status.getAsInt(), -1);
          ex.close();
        });
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private int port() {
    return server.getAddress().getPort();
  }

  private static int run(Path log, String... command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("PRESTOP_LOG", log.toString());
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.resolveSibling("out.txt").toFile()));
    Process p = pb.start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "script did not finish in 30 s");
    return p.exitValue();
  }

  private static String script(String name) {
    return Repo.existing("deploy/docker/" + name).toString();
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void healthcheckPassesOnlyOn200(@TempDir Path tmp) throws Exception {
    Path log = tmp.resolve("log");
    String hc = script("healthcheck.sh");
    assertEquals(0, run(log, "bash", hc, String.valueOf(port()), "/q/health/live"));
    assertNotEquals(0, run(log, "bash", hc, String.valueOf(port()), "/q/health/ready"));
    assertNotEquals(0, run(log, "bash", hc, String.valueOf(closedPort()), "/q/health/live"));
    assertEquals(List.of("GET /q/health/live", "GET /q/health/ready"), requests);
  }

  @Test
  void preStopAsksTheTrainerToDrain(@TempDir Path tmp) throws Exception {
    Path log = tmp.resolve("log");
    assertEquals(0, run(log, "bash", script("prestop-drain.sh"), String.valueOf(port()), "30"));
    assertEquals(List.of("POST /v1/trainer/drain"), requests);
    assertTrue(Files.readString(log).contains("drained (HTTP 200)"), Files.readString(log));
  }

  @Test
  void preStopNeverBlocksShutdown(@TempDir Path tmp) throws Exception {
    Path log = tmp.resolve("log");
    drainStatus = 404; // a trainer without the endpoint checkpoints on SIGTERM instead
    assertEquals(0, run(log, "bash", script("prestop-drain.sh"), String.valueOf(port()), "30"));
    assertTrue(Files.readString(log).contains("no drain endpoint"), Files.readString(log));
    assertEquals(0, run(log, "bash", script("prestop-drain.sh"), String.valueOf(closedPort())));
    assertTrue(Files.readString(log).contains("not listening"), Files.readString(log));
  }
}
