package dev.cura.quantizer;

import dev.cura.core.models.ModelCatalog;
import dev.cura.core.store.DirectoryDigest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;

/** Registers base models the way the gateway's {@code POST /v1/models} does. */
final class TestModels {
  /** The running application's artifact root (set by the Kafka test resource). */
  static Path artifactRoot() {
    return Path.of(
        org.eclipse.microprofile.config.ConfigProvider.getConfig()
            .getValue("cura.artifact-root", String.class));
  }

  private TestModels() {}

  /** Binds {@code name} to {@code dir} and its digest in the catalog under {@code root}. */
  static String register(Path root, String name, Path dir) {
    try {
      Path real = dir.toRealPath();
      String digest = DirectoryDigest.of(real);
      new ModelCatalog(root).put(new ModelCatalog.Entry(name, real, digest, Instant.now()));
      return digest;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
