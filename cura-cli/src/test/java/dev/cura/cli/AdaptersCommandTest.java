package dev.cura.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.cura.cli.client.CuraClient;
import dev.cura.core.store.Sha256;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version's files as {@code adapters download} and the demo fetch them: both files, each checked
 * against the SHA-256 the registry sends as its ETag.
 */
class AdaptersCommandTest {
  static final String VERSION = "/v1/adapters/cura-tiny-demo/versions/3/files/";

  @TempDir Path dir;
  HttpServer registry;

  /** The registry's files; an ETag that is not the bytes' SHA-256 when {@code lie}. */
  void serve(Map<String, String> files, boolean lie) throws IOException {
    registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    files.forEach(
        (name, text) ->
            registry.createContext(
                VERSION + name,
                ex -> {
                  byte[] b = text.getBytes(StandardCharsets.UTF_8);
                  String sha = sha256(lie ? b.length + text : text);
                  ex.getResponseHeaders().add("ETag", "\"" + sha + "\"");
                  ex.sendResponseHeaders(200, b.length);
                  ex.getResponseBody().write(b);
                  ex.close();
                }));
    registry.start();
  }

  @AfterEach
  void stop() {
    if (registry != null) {
      registry.stop(0);
    }
  }

  CuraClient client() {
    return new CuraClient("http://127.0.0.1:" + registry.getAddress().getPort(), "k");
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void downloadsBothFilesCheckedAgainstTheRegistrysSha256() throws IOException {
    serve(
        Map.of("adapter_config.json", "{\"r\":4}", "adapter_model.safetensors", "weights"), false);
    String path = AdaptersCommand.versionPath("cura-tiny-demo", "3");
    assertEquals("v1/adapters/cura-tiny-demo/versions/3", path);
    Map<String, String> sha = AdaptersCommand.download(client(), path, dir.resolve("a"));
    assertEquals(AdaptersCommand.FILES, java.util.List.copyOf(sha.keySet()));
    for (String file : AdaptersCommand.FILES) {
      Path f = dir.resolve("a").resolve(file);
      assertEquals(Sha256.ofFile(f), sha.get(file));
    }
    assertEquals("weights", Files.readString(dir.resolve("a/adapter_model.safetensors")));
    assertEquals(sha256("{\"r\":4}"), sha.get("adapter_config.json"));
  }

  @Test
  void bytesThatAreNotWhatTheRegistrySaysAreRefused() throws IOException {
    serve(Map.of("adapter_config.json", "{\"r\":4}", "adapter_model.safetensors", "weights"), true);
    String path = AdaptersCommand.versionPath("cura-tiny-demo", "3");
    IOException e =
        assertThrows(
            IOException.class, () -> AdaptersCommand.download(client(), path, dir.resolve("a")));
    assertTrue(
        e.getMessage().startsWith("adapter_config.json: downloaded bytes have SHA-256 "),
        e.getMessage());
  }

  @Test
  void theCommandWritesTheFilesOfNameColonVersion() throws IOException {
    serve(Map.of("adapter_config.json", "{}", "adapter_model.safetensors", "w"), false);
    String url = "http://127.0.0.1:" + registry.getAddress().getPort();
    Path out = dir.resolve("out");
    assertEquals(
        0,
        Cli.run(
            "adapters",
            "download",
            "cura-tiny-demo:3",
            "--out",
            out,
            "--url",
            url,
            "--api-key",
            "k"));
    assertEquals("w", Files.readString(out.resolve("adapter_model.safetensors")));
    assertEquals("{}", Files.readString(out.resolve("adapter_config.json")));
  }
}
