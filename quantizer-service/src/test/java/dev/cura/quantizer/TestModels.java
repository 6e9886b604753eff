package dev.cura.quantizer;

import dev.cura.core.models.ModelCatalog;
import dev.cura.core.store.DirectoryDigest;
import dev.cura.core.synth.LlamaShape;
import dev.cura.core.synth.SyntheticCheckpoint;
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

  /** The shape of the synthetic test checkpoints: small enough to quantize in a second. */
  static final LlamaShape TINY = new LlamaShape(256, 1, 2, 1, 768, 300);

  /**
   * Writes a synthetic {@link #TINY} checkpoint of {@code seed} to {@code
   * target/test-models/<name>} and registers it in the running application's catalog; returns its
   * digest.
   */
  static String registerSynthetic(String name, long seed) throws IOException {
    Path dir = Path.of("target/test-models", name);
    SyntheticCheckpoint.write(TINY, seed, dir, b -> {});
    return register(artifactRoot(), name, dir);
  }

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
