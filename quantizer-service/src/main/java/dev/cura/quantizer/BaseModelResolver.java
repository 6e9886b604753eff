package dev.cura.quantizer;

import dev.cura.core.hf.CheckpointDir;
import dev.cura.core.util.FormatException;
import dev.cura.events.ContentRef;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds a job's base checkpoint: a {@code file:} URI or an absolute path is taken as is; a plain
 * name ({@code cura-tiny}) is looked up as a directory under each model root in turn ({@code
 * cura.model-roots}, env {@code CURA_MODEL_ROOTS}).
 */
public final class BaseModelResolver {
  private final List<Path> roots;

  public BaseModelResolver(List<Path> roots) {
    this.roots = List.copyOf(roots);
  }

  /**
   * The checkpoint directory of {@code ref}.
   *
   * @throws FormatException (a user error) if it cannot be found or is not a checkpoint
   */
  public Path resolve(ContentRef ref) throws FormatException {
    String uri = ref.uri();
    if (uri == null || uri.isBlank()) {
      throw new FormatException("base_model.uri is empty; expected a model name or a path");
    }
    Path dir;
    if (uri.startsWith("file:")) {
      dir = Path.of(URI.create(uri));
    } else if (uri.startsWith("/")) {
      dir = Path.of(uri);
    } else if (uri.matches("[A-Za-z0-9._-]+") && !uri.equals("..") && !uri.equals(".")) {
      dir = null;
      for (Path root : roots) {
        Path p = root.resolve(uri);
        if (Files.isDirectory(p)) {
          dir = p;
          break;
        }
      }
      if (dir == null) {
        throw new FormatException(
            "base model '" + uri + "' not found; expected a directory of that name under " + roots);
      }
    } else {
      throw new FormatException(
          "base model '" + uri + "': expected a model name, an absolute path or a file: URI");
    }
    if (!CheckpointDir.isCheckpoint(dir)) {
      throw new FormatException(
          "base model '"
              + uri
              + "' is not a Hugging Face checkpoint (config.json and model.safetensors expected)");
    }
    return dir;
  }
}
