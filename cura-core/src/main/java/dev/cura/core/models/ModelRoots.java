package dev.cura.core.models;

import dev.cura.core.hf.CheckpointDir;
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
 * The directories base models may come from ({@code CURA_MODEL_ROOTS}, separated by colons or
 * commas). A model directory is allowed only when its real path (symbolic links followed) lies
 * inside one of the roots' real paths, so neither {@code ..} nor a link can lead outside; {@code
 * ..} segments are refused outright, before any resolution, as a clear signal. The gateway checks a
 * registration with it, the quantizer re-checks the registered directory before reading it.
 */
public final class ModelRoots {
  private static final Pattern SEPARATORS = Pattern.compile("[/\\\\]");

  private final List<Path> roots;
  private final Path workDir;

  /**
   * @param rootsSpec roots separated by ':' or ',', relative ones against {@code workDir}
   * @param workDir directory relative paths are resolved against (the service's working dir)
   */
  public ModelRoots(String rootsSpec, Path workDir) {
    this(List.of(rootsSpec.split("[:,]")), workDir);
  }

  /**
   * @param roots the roots, relative ones against {@code workDir}; blank entries are ignored
   * @param workDir directory relative paths are resolved against (the service's working dir)
   */
  public ModelRoots(List<String> roots, Path workDir) {
    this.workDir = workDir.toAbsolutePath().normalize();
    var list = new ArrayList<Path>();
    for (String r : roots) {
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
    if (rootOf(real).isEmpty()) {
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
    if (!Files.isRegularFile(real.resolve(CheckpointDir.CONFIG))) {
      throw new IllegalArgumentException(
          "path must be a Hugging Face model directory with config.json, got '"
              + requested
              + "' without one");
    }
    if (!Files.isRegularFile(real.resolve(CheckpointDir.SINGLE))
        && !Files.isRegularFile(real.resolve(CheckpointDir.INDEX))) {
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

  /**
   * {@code message} with every root's path prefix removed, so that a message shown to a job's owner
   * names a model's file ({@code Meta-Llama-3-8B/config.json}) but not where the server keeps it.
   */
  public String withoutRoots(String message) {
    if (message == null) {
      return null;
    }
    String out = message;
    for (Path root : roots) {
      out = out.replace(root + "/", "");
      try {
        out = out.replace(root.toRealPath() + "/", "");
      } catch (IOException e) {
        // a root that does not exist appears in no message
      }
    }
    return out;
  }

  /** True when {@code real} (a real path) lies inside one of the roots. */
  public boolean contains(Path real) {
    return rootOf(real).isPresent();
  }
}
