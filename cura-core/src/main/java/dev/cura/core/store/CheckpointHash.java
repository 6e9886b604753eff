package dev.cura.core.store;

import dev.cura.core.hf.CheckpointDir;
import dev.cura.core.util.FormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Content hash of a Hugging Face checkpoint: SHA-256 over the sorted lines {@code "<file name>
 * <size> <sha256 of the file>\n"} of config.json, the weight files (+ index) and the tokenizer /
 * generation files. Renaming the directory does not change it; changing any byte does.
 */
public final class CheckpointHash {
  private CheckpointHash() {}

  /** The files that define a checkpoint, by name. */
  public static List<Path> files(Path dir) throws IOException {
    if (!CheckpointDir.isCheckpoint(dir)) {
      throw new FormatException(
          dir + ": not a Hugging Face checkpoint (config.json and model.safetensors[.index.json])");
    }
    TreeSet<String> names = new TreeSet<>();
    names.add(CheckpointDir.CONFIG);
    names.addAll(CheckpointDir.AUXILIARY_FILES);
    try (var s = Files.list(dir)) {
      s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".safetensors") || n.equals(CheckpointDir.INDEX))
          .forEach(names::add);
    }
    List<Path> out = new ArrayList<>();
    for (String n : names) {
      Path p = dir.resolve(n);
      if (Files.isRegularFile(p)) {
        out.add(p);
      }
    }
    return out;
  }

  /** The checkpoint's content digest (lower-case hex). */
  public static String of(Path dir) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (Path p : files(dir)) {
      sb.append(p.getFileName())
          .append(' ')
          .append(Files.size(p))
          .append(' ')
          .append(Sha256.ofFile(p))
          .append('\n');
    }
    return Sha256.ofString(sb.toString());
  }
}
