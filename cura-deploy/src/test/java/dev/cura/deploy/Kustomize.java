package dev.cura.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Renders a kustomization with {@code kubectl kustomize}, which works offline. Tests that need the
 * rendered output are skipped (not passed) where kubectl is not installed.
 */
final class Kustomize {

  private static final ConcurrentHashMap<String, Manifests> CACHE = new ConcurrentHashMap<>();

  /** {@code kubectl kustomize <dir>}, parsed; skips the calling test when kubectl is missing. */
  static Manifests render(String dir) {
    Path kubectl = Tools.require("kubectl", "it renders kustomizations offline");
    return CACHE.computeIfAbsent(dir, d -> run(kubectl, d));
  }

  private static Manifests run(Path kubectl, String dir) {
    try {
      Path out = Files.createTempFile("kustomize", ".yaml");
      Path err = Files.createTempFile("kustomize", ".err");
      Process p =
          new ProcessBuilder(kubectl.toString(), "kustomize", Repo.path(dir).toString())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("kubectl kustomize " + dir + " did not finish in 120 s");
      }
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new AssertionError(
            "kubectl kustomize " + dir + " failed (exit " + p.exitValue() + "): " + stderr);
      }
      Manifests m =
          new Manifests(Repo.yamlDocuments(Files.readString(out), "kustomize " + dir), dir);
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      return m;
    } catch (IOException e) {
      throw new AssertionError("could not run kubectl kustomize " + dir + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private Kustomize() {}
}
