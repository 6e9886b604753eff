package dev.cura.core.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.core.store.DirectoryDigest;
import dev.cura.core.util.FormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegisteredModelsTest {
  @TempDir Path work;

  private Path model(Path dir, byte last) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"llama\"}");
    Files.write(dir.resolve("model.safetensors"), new byte[] {1, 2, last});
    return dir;
  }

  /** Registers {@code requested} as the gateway does: resolve inside the roots, digest, bind. */
  private String register(ModelRoots roots, ModelCatalog catalog, String name, String requested)
      throws IOException {
    Path real = roots.resolve(requested);
    String digest = DirectoryDigest.of(real, roots::contains);
    catalog.put(new ModelCatalog.Entry(name, real, digest, Instant.now()));
    return digest;
  }

  @Test
  void readsExactlyTheRegisteredDirectoryUnderItsName() throws IOException {
    model(work.resolve("models/Meta-Llama-3-8B"), (byte) 3);
    var roots = new ModelRoots("models", work);
    var catalog = new ModelCatalog(work.resolve("artifacts"));
    String digest = register(roots, catalog, "llama-8b", "models/Meta-Llama-3-8B");
    var models = new RegisteredModels(catalog, roots);

    var r = models.resolve("llama-8b", digest);
    assertEquals(work.resolve("models/Meta-Llama-3-8B").toRealPath(), r.dir());
    assertEquals(digest, r.sha256());
    assertEquals(digest, models.resolve("llama-8b", null).sha256());
    // the name is not a directory: nothing named llama-8b exists under the roots
    assertFalse(Files.exists(work.resolve("models/llama-8b")));
  }

  @Test
  void refusesUnknownNamesMismatchedDigestsAndChangedFiles() throws IOException {
    Path dir = model(work.resolve("models/tiny"), (byte) 3);
    var roots = new ModelRoots("models", work);
    var catalog = new ModelCatalog(work.resolve("artifacts"));
    String digest = register(roots, catalog, "tiny", "models/tiny");
    var models = new RegisteredModels(catalog, roots);

    assertTrue(
        assertThrows(FormatException.class, () -> models.resolve("other", null))
            .getMessage()
            .contains("not registered"));
    var wrong = assertThrows(FormatException.class, () -> models.resolve("tiny", "e".repeat(64)));
    assertTrue(wrong.getMessage().contains("registered model has " + digest), wrong.getMessage());

    Files.write(dir.resolve("model.safetensors"), new byte[] {1, 2, 4, 5});
    var changed = assertThrows(FormatException.class, () -> models.resolve("tiny", digest));
    assertTrue(changed.getMessage().contains("changed since it was registered"));
    assertFalse(changed.getMessage().contains(work.toString()), "no server path in the message");
  }

  @Test
  void refusesARegistrationThatNowLeadsOutOfTheRoots() throws IOException {
    Path inside = model(work.resolve("models/m"), (byte) 3);
    Path secret = model(work.resolve("secret/m"), (byte) 3);
    var roots = new ModelRoots("models", work);
    var catalog = new ModelCatalog(work.resolve("artifacts"));
    String digest = register(roots, catalog, "m", "models/m");
    var models = new RegisteredModels(catalog, roots);

    // a forged catalog entry naming a directory outside the roots, with its true digest
    catalog.put(
        new ModelCatalog.Entry("forged", secret, DirectoryDigest.of(secret), Instant.now()));
    var forged = assertThrows(FormatException.class, () -> models.resolve("forged", null));
    assertTrue(forged.getMessage().contains("outside"), forged.getMessage());

    // the registered directory swapped for a link to the same bytes outside
    Files.walk(inside)
        .sorted(java.util.Comparator.reverseOrder())
        .forEach(p -> p.toFile().delete());
    Files.createSymbolicLink(inside, secret);
    var swapped = assertThrows(FormatException.class, () -> models.resolve("m", digest));
    assertTrue(swapped.getMessage().contains("outside"), swapped.getMessage());
  }
}
