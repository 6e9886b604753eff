package dev.cura.gateway.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides whether a base-model path may be registered: only directories inside the allowed roots
 * ({@code CURA_MODEL_ROOTS}, separated by colons or commas). The check runs on the real path
 * (symlinks followed), so neither {@code ..} nor a symlink can lead outside; {@code ..} segments
 * are refused outright, before any resolution, as a clear signal.
 */
public final class ModelPaths {
  private static final Pattern SEPARATORS = Pattern.compile("[/\\\\]");

  private final List<Path> roots;
  private final Path workDir;

  /**
   * @param rootsSpec roots separated by ':' or ',', relative ones against {@code workDir}
   * @param workDir directory relative paths are resolved against (the service's working dir)
   */
  public ModelPaths(String rootsSpec, Path workDir) {
    this.workDir = workDir.toAbsolutePath().normalize();
    var list = new ArrayList<Path>();
    for (String r : rootsSpec.split("[:,]")) {
      if (!r.isBlank()) {
        list.add(this.workDir.resolve(r.trim()).normalize());
      }
    }
    this.roots = List.copyOf(list);
  }

  /** The configured roots (absolute, not yet resolved through symlinks). */
  public List<Path> roots() {
    return roots;
  }

  /**
   * The real path of an allowed model directory.
   *
   * @throws IllegalArgumentException saying what is wrong: {@code ..}, outside the roots (directly
   *     or through a symlink), missing, not a directory, not an HF checkpoint
   */
  public Path resolve(String requested) {
    if (requested == null || requested.isBlank()) {
      throw new IllegalArgumentException("path is required, got nothing");
    }
    if (requested.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("path must not contain NUL characters");
    }
    for (String segment : SEPARATORS.split(requested)) {
      if (segment.equals("..")) {
        throw new IllegalArgumentException(
            "path must not contain '..' segments, got '" + requested + "'");
      }
    }
    Path candidate;
    try {
      candidate = workDir.resolve(requested).normalize();
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("path is not a valid path: " + e.getReason());
    }
    Path real;
    try {
      real = candidate.toRealPath();
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("path '" + requested + "' does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException("path '" + requested + "' cannot be read: " + e);
    }
    Optional<Path> root = rootOf(real);
    if (root.isEmpty()) {
      throw new IllegalArgumentException(
          "path must be inside one of the model roots "
              + roots
              + " (CURA_MODEL_ROOTS), got '"
              + requested
              + "'"
              + (real.equals(candidate) ? "" : " which resolves to '" + real + "'"));
    }
    if (!Files.isDirectory(real)) {
      throw new IllegalArgumentException(
          "path must be a Hugging Face model directory, got a file: '" + requested + "'");
    }
    if (!Files.isRegularFile(real.resolve("config.json"))) {
      throw new IllegalArgumentException(
          "path must be a Hugging Face model directory with config.json, got '"
              + requested
              + "' without one");
    }
    if (!Files.isRegularFile(real.resolve("model.safetensors"))
        && !Files.isRegularFile(real.resolve("model.safetensors.index.json"))) {
      throw new IllegalArgumentException(
          "path must hold model.safetensors or model.safetensors.index.json, got '"
              + requested
              + "' with neither");
    }
    return real;
  }

  /** The allowed root that contains {@code real}, if any (real paths compared). */
  public Optional<Path> rootOf(Path real) {
    for (Path root : roots) {
      try {
        Path realRoot = root.toRealPath();
        if (real.startsWith(realRoot)) {
          return Optional.of(realRoot);
        }
      } catch (IOException e) {
        // a configured root that does not exist contains nothing
      }
    }
    return Optional.empty();
  }
}
