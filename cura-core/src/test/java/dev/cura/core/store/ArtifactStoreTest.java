package dev.cura.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.core.quantize.ArtifactKey;
import dev.cura.core.quantize.QuantizeSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactStoreTest {
  @TempDir Path tmp;

  @Test
  void writesOnceAtomicallyAndVerifies() throws Exception {
    ArtifactStore store = new ArtifactStore(tmp.resolve("store"));
    String key = Sha256.ofString("k");
    AtomicInteger calls = new AtomicInteger();
    ArtifactStore.Producer p =
        dir -> {
          calls.incrementAndGet();
          Files.writeString(dir.resolve("a.txt"), "hello");
        };
    Path d1 = store.putIfAbsent(key, p);
    Path d2 = store.putIfAbsent(key, p);
    assertEquals(d1, d2);
    assertEquals(1, calls.get());
    assertEquals(tmp.resolve("store/sha256/" + key).toAbsolutePath(), d1);
    store.verify(key);
    try (var s = Files.list(tmp.resolve("store/tmp"))) {
      assertEquals(0, s.count(), "temporary directories left behind");
    }
    Files.writeString(d1.resolve("a.txt"), "HELLO"); // same size, other bytes
    IOException e = assertThrows(IOException.class, () -> store.verify(key));
    assertTrue(e.getMessage().contains("does not match its SHA-256"), e.getMessage());
    Files.writeString(d1.resolve("a.txt"), "hi");
    e = assertThrows(IOException.class, () -> store.get(key));
    assertTrue(e.getMessage().contains("manifest says 5"), e.getMessage());
  }

  @Test
  void failedProducerLeavesNothing() throws Exception {
    ArtifactStore store = new ArtifactStore(tmp.resolve("s"));
    String key = Sha256.ofString("x");
    assertThrows(
        IOException.class,
        () ->
            store.putIfAbsent(
                key,
                dir -> {
                  Files.writeString(dir.resolve("part"), "x");
                  throw new IOException("boom");
                }));
    assertTrue(store.get(key).isEmpty());
  }

  @Test
  void directoryDigestAndArtifactKey() throws Exception {
    Path a = Files.createDirectories(tmp.resolve("a"));
    Files.writeString(a.resolve("config.json"), "{}");
    Files.writeString(a.resolve("model.safetensors"), "not really");
    Path b = Files.createDirectories(tmp.resolve("b"));
    Files.writeString(b.resolve("config.json"), "{}");
    Files.writeString(b.resolve("model.safetensors"), "not really");
    String ha = DirectoryDigest.of(a);
    assertEquals(ha, DirectoryDigest.of(b)); // the directory name does not matter
    Files.writeString(b.resolve("model.safetensors"), "not reallY");
    assertNotEquals(ha, DirectoryDigest.of(b));
    QuantizeSettings s = QuantizeSettings.defaults();
    assertEquals(ArtifactKey.of(ha, s), ArtifactKey.of(ha, s));
    assertNotEquals(ArtifactKey.of(ha, s), ArtifactKey.of(ha, s.withBlocksize(128)));
    assertNotEquals(ArtifactKey.of(ha, s), ArtifactKey.of(ha, s.withDoubleQuant(false)));
  }
}
