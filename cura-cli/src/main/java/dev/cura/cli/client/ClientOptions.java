package dev.cura.cli.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the services are and which key to use: {@code --url} (default the local stack's port),
 * {@code --api-key}, else env {@code CURA_API_KEY}, else {@code .cura/local/api-key} (written by
 * {@code ./cura up}).
 */
public final class ClientOptions {
  /** The local stack's key file, relative to the repository root. */
  public static final Path KEY_FILE = Path.of(".cura/local/api-key");

  @Option(names = "--url", description = "Service base URL (default: the local stack).")
  String url;

  @Option(
      names = "--api-key",
      description = "API key (default: env CURA_API_KEY, else .cura/local/api-key).")
  String apiKey;

  /** A client for the service on {@code defaultPort} unless --url says otherwise. */
  public CuraClient client(int defaultPort) {
    return new CuraClient(url(defaultPort), key());
  }

  public String url(int defaultPort) {
    return url != null ? url : "http://127.0.0.1:" + defaultPort;
  }

  /** The key to use. */
  public String key() {
    if (apiKey != null && !apiKey.isBlank()) {
      return apiKey.trim();
    }
    String env = System.getenv("CURA_API_KEY");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    if (Files.isRegularFile(KEY_FILE)) {
      try {
        return Files.readString(KEY_FILE).trim();
      } catch (IOException e) {
        throw new ClientException("cannot read " + KEY_FILE + ": " + e.getMessage());
      }
    }
    throw new ClientException(
        "no API key: pass --api-key, set CURA_API_KEY, or start the local stack (./cura up writes "
            + KEY_FILE
            + ")");
  }
}
