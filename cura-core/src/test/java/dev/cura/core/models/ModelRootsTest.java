package dev.cura.core.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.core.store.DirectoryDigest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRootsTest {
  @TempDir Path work;

  Path model(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"llama\"}");
    Files.write(dir.resolve("model.safetensors"), new byte[] {1, 2, 3});
    return dir;
  }

  @Test
  void acceptsModelsInsideAnyRootAndRefusesEverythingElse() throws IOException {
    model(work.resolve("models/tiny"));
    model(work.resolve("other/big"));
    Path secret = model(work.resolve("secret/m"));
    Files.createSymbolicLink(work.resolve("models/link"), secret);
    Files.createDirectories(work.resolve("models/empty"));
    var paths = new ModelRoots("models:other", work);
    assertEquals(2, new ModelRoots("models,other", work).roots().size());

    assertEquals(work.resolve("models/tiny").toRealPath(), paths.resolve("models/tiny"));
    assertEquals(
        work.resolve("other/big").toRealPath(),
        paths.resolve(work.resolve("other/big").toString()));
    for (String bad :
        new String[] {"models/../secret/m", "models/tiny/..", "..\\secret", "secret/m"}) {
      var e = assertThrows(IllegalArgumentException.class, () -> paths.resolve(bad), bad);
      assertTrue(
          e.getMessage().contains("..") || e.getMessage().contains("model roots"), e.getMessage());
    }
    var link = assertThrows(IllegalArgumentException.class, () -> paths.resolve("models/link"));
    assertTrue(link.getMessage().contains("resolves to"), link.getMessage());
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> paths.resolve("models/empty"))
            .getMessage()
            .contains("config.json"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> paths.resolve("models/none"))
            .getMessage()
            .contains("does not exist"));
  }

  @Test
  void digestDependsOnContentAndRefusesLinksOut() throws IOException {
    Path a = model(work.resolve("models/a"));
    Path b = model(work.resolve("models/b"));
    var paths = new ModelRoots("models", work);
    String da = DirectoryDigest.of(a.toRealPath(), p -> paths.rootOf(p).isPresent());
    assertEquals(da, DirectoryDigest.of(b.toRealPath(), p -> paths.rootOf(p).isPresent()));
    Files.write(b.resolve("model.safetensors"), new byte[] {1, 2, 4});
    assertNotEquals(da, DirectoryDigest.of(b.toRealPath(), p -> paths.rootOf(p).isPresent()));
    Path outside = Files.writeString(work.resolve("passwd"), "root:x");
    Files.createSymbolicLink(a.resolve("tokenizer.json"), outside);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> DirectoryDigest.of(a.toRealPath(), p -> paths.rootOf(p).isPresent()));
    assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
  }
}
