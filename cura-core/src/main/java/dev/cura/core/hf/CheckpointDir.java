package dev.cura.core.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.core.safetensors.SafetensorsFile;
import dev.cura.core.safetensors.TensorInfo;
import dev.cura.core.util.FormatException;
import dev.cura.core.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A Hugging Face checkpoint directory: {@code config.json}, and either one {@code
 * model.safetensors} or shards listed by {@code model.safetensors.index.json} ({@code weight_map}:
 * tensor name → shard file name), plus tokenizer and generation files.
 *
 * <p>Tensor lookup works the same for both layouts. Shards are opened (mapped) on open and closed
 * with this object. Validation: config.json is a JSON object; the index names only plain file names
 * inside the directory, each exists, and each indexed tensor is in the shard it names.
 */
public final class CheckpointDir implements AutoCloseable {
  public static final String CONFIG = "config.json";
  public static final String SINGLE = "model.safetensors";
  public static final String INDEX = "model.safetensors.index.json";

  /** Files copied along with the weights when a checkpoint is transformed. */
  public static final List<String> AUXILIARY_FILES =
      List.of(
          "tokenizer.json",
          "tokenizer_config.json",
          "special_tokens_map.json",
          "tokenizer.model",
          "vocab.json",
          "merges.txt",
          "added_tokens.json",
          "generation_config.json",
          "chat_template.jinja",
          "chat_template.json");

  private final Path dir;
  private final JsonNode config;
  private final List<SafetensorsFile> files;
  private final Map<String, SafetensorsFile> fileOf; // tensor → file, in iteration order

  private CheckpointDir(
      Path dir, JsonNode config, List<SafetensorsFile> files, Map<String, SafetensorsFile> fileOf) {
    this.dir = dir;
    this.config = config;
    this.files = files;
    this.fileOf = fileOf;
  }

  /** True if {@code dir} looks like a checkpoint (config.json and weights present). */
  public static boolean isCheckpoint(Path dir) {
    return Files.isRegularFile(dir.resolve(CONFIG))
        && (Files.isRegularFile(dir.resolve(SINGLE)) || Files.isRegularFile(dir.resolve(INDEX)));
  }

  /**
   * Opens a checkpoint directory.
   *
   * @throws FormatException naming what is missing or malformed
   */
  public static CheckpointDir open(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new FormatException(dir + ": not a directory (expected a Hugging Face checkpoint)");
    }
    Path cfgPath = dir.resolve(CONFIG);
    if (!Files.isRegularFile(cfgPath)) {
      throw new FormatException(dir + ": not a Hugging Face checkpoint: config.json is missing");
    }
    JsonNode config = readJson(cfgPath);
    if (config == null || !config.isObject()) {
      throw new FormatException(cfgPath + ": expected a JSON object");
    }
    List<Path> shardPaths = new ArrayList<>();
    Map<String, String> weightMap = null;
    if (Files.isRegularFile(dir.resolve(INDEX))) {
      weightMap = readIndex(dir.resolve(INDEX));
      TreeSet<String> names = new TreeSet<>(weightMap.values());
      for (String n : names) {
        shardPaths.add(dir.resolve(n));
      }
    } else if (Files.isRegularFile(dir.resolve(SINGLE))) {
      shardPaths.add(dir.resolve(SINGLE));
    } else {
      throw new FormatException(
          dir
              + ": not a Hugging Face checkpoint: neither model.safetensors nor"
              + " model.safetensors.index.json is present");
    }
    List<SafetensorsFile> files = new ArrayList<>();
    try {
      Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
      for (Path p : shardPaths) {
        if (!Files.isRegularFile(p)) {
          throw new FormatException(
              dir.resolve(INDEX) + ": names shard " + p.getFileName() + ", which does not exist");
        }
        SafetensorsFile f = SafetensorsFile.open(p);
        files.add(f);
        byName.put(p.getFileName().toString(), f);
      }
      Map<String, SafetensorsFile> fileOf = new LinkedHashMap<>();
      for (SafetensorsFile f : files) {
        for (String t : f.tensors().keySet()) {
          if (weightMap != null) {
            String listed = weightMap.get(t);
            if (listed == null || !listed.equals(f.path().getFileName().toString())) {
              continue; // not indexed to this shard: transformers ignores it too
            }
          }
          fileOf.put(t, f);
        }
      }
      if (weightMap != null) {
        for (Map.Entry<String, String> e : weightMap.entrySet()) {
          if (!fileOf.containsKey(e.getKey())) {
            throw new FormatException(
                dir.resolve(INDEX)
                    + ": lists tensor "
                    + e.getKey()
                    + " in "
                    + e.getValue()
                    + ", which lacks it");
          }
        }
      }
      return new CheckpointDir(
          dir, config, Collections.unmodifiableList(files), Collections.unmodifiableMap(fileOf));
    } catch (IOException | RuntimeException e) {
      for (SafetensorsFile f : files) {
        try {
          f.close();
        } catch (IOException ignored) {
          // closing after a failed open; the original error is what matters
        }
      }
      throw e;
    }
  }

  private static JsonNode readJson(Path p) throws FormatException {
    try {
      if (Files.size(p) > 64L << 20) {
        throw new FormatException(p + ": larger than 64 MiB; not a config/index file");
      }
      return Json.MAPPER.readTree(p.toFile());
    } catch (FormatException e) {
      throw e;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new FormatException(p + ": not valid JSON: " + Json.describe(e));
    } catch (IOException e) {
      throw new FormatException(p + ": cannot be read: " + e.getMessage());
    }
  }

  private static Map<String, String> readIndex(Path p) throws FormatException {
    JsonNode idx = readJson(p);
    JsonNode wm = idx.get("weight_map");
    if (wm == null || !wm.isObject()) {
      throw new FormatException(p + ": expected an object with a weight_map object");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = wm.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String file = e.getValue().asText("");
      if (!e.getValue().isTextual()
          || file.isEmpty()
          || file.contains("/")
          || file.contains("\\")
          || file.equals("..")
          || file.equals(".")) {
        throw new FormatException(
            p
                + ": weight_map."
                + e.getKey()
                + " must be a plain file name in the directory, got "
                + e.getValue());
      }
      out.put(e.getKey(), file);
    }
    if (out.isEmpty()) {
      throw new FormatException(p + ": weight_map is empty");
    }
    return out;
  }

  public Path dir() {
    return dir;
  }

  /** config.json as a JSON tree. */
  public JsonNode config() {
    return config;
  }

  /** {@code config.model_type}, or "" if absent. */
  public String modelType() {
    return config.path("model_type").asText("");
  }

  /** True if the checkpoint is sharded (has an index). */
  public boolean isSharded() {
    return Files.isRegularFile(dir.resolve(INDEX));
  }

  /** The weight files, in name order. */
  public List<SafetensorsFile> files() {
    return files;
  }

  /** All tensor names: shards in name order, each in file order. */
  public List<String> tensorNames() {
    return List.copyOf(fileOf.keySet());
  }

  public boolean contains(String name) {
    return fileOf.containsKey(name);
  }

  /** The file holding {@code name}. */
  public SafetensorsFile fileOf(String name) {
    SafetensorsFile f = fileOf.get(name);
    if (f == null) {
      throw new IllegalArgumentException(dir.getFileName() + " has no tensor named " + name);
    }
    return f;
  }

  /** Header entry of {@code name}. */
  public TensorInfo info(String name) {
    return fileOf(name).info(name);
  }

  /** The whole tensor as f32 (F32/F16/BF16). */
  public float[] readFloats(String name) {
    return fileOf(name).readFloats(name);
  }

  /** A small tensor copied into memory, or null if absent (a {@code QuantState} lookup). */
  public dev.cura.core.safetensors.TensorBytes tensorBytesOrNull(String name) {
    SafetensorsFile f = fileOf.get(name);
    return f == null ? null : f.tensorBytes(name);
  }

  /** Tokenizer/generation files present in the directory (names from {@link #AUXILIARY_FILES}). */
  public List<Path> auxiliaryFiles() {
    List<Path> out = new ArrayList<>();
    for (String n : AUXILIARY_FILES) {
      Path p = dir.resolve(n);
      if (Files.isRegularFile(p)) {
        out.add(p);
      }
    }
    return out;
  }

  /** Total bytes of all tensors' data (headers excluded). */
  public long tensorBytes() {
    long total = 0;
    for (String n : fileOf.keySet()) {
      total += info(n).byteSize();
    }
    return total;
  }

  /** Total bytes of the weight files. */
  public long weightBytes() throws IOException {
    long total = 0;
    for (SafetensorsFile f : files) {
      total += Files.size(f.path());
    }
    return total;
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (SafetensorsFile f : files) {
      try {
        f.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
