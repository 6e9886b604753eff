package dev.cura.engine.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.core.safetensors.SafetensorsWriter;
import dev.cura.core.safetensors.TensorSpec;
import dev.cura.core.tensor.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a Hugging Face checkpoint directory (config.json + model.safetensors, or shards with
 * model.safetensors.index.json) from named float tensors, through cura-core's safetensors writer.
 */
public final class CheckpointWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CheckpointWriter() {}

  /** A named tensor: float values (row-major) and shape. */
  public record Entry(String name, float[] values, long[] shape) {}

  /**
   * Writes {@code entries} as {@code dtype} (F32, F16 or BF16) into {@code shards} files (1 = a
   * single model.safetensors).
   */
  public static void write(Path dir, LlamaConfig cfg, List<Entry> entries, DType dtype, int shards)
      throws IOException {
    Files.createDirectories(dir);
    ObjectNode config = (ObjectNode) cfg.toJson();
    config.put("torch_dtype", dtype.torchName());
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config);
    if (shards <= 1) {
      writeFile(dir.resolve("model.safetensors"), entries, dtype);
      return;
    }
    int per = (entries.size() + shards - 1) / shards;
    Map<String, String> weightMap = new LinkedHashMap<>();
    long total = 0;
    for (int s = 0; s < shards; s++) {
      List<Entry> part =
          entries.subList(
              Math.min(s * per, entries.size()), Math.min((s + 1) * per, entries.size()));
      String file = String.format("model-%05d-of-%05d.safetensors", s + 1, shards);
      writeFile(dir.resolve(file), part, dtype);
      for (Entry e : part) {
        weightMap.put(e.name(), file);
        total += (long) e.values().length * dtype.byteSize();
      }
    }
    ObjectNode index = JSON.createObjectNode();
    index.putObject("metadata").put("total_size", total);
    ObjectNode map = index.putObject("weight_map");
    weightMap.forEach(map::put);
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
  }

  private static void writeFile(Path file, List<Entry> entries, DType dtype) throws IOException {
    List<TensorSpec> specs = new ArrayList<>();
    for (Entry e : entries) {
      specs.add(new TensorSpec(e.name(), dtype, e.shape()));
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (SafetensorsWriter w = SafetensorsWriter.create(tmp, specs, Map.of("format", "pt"))) {
      for (Entry e : entries) {
        w.writeFloats(e.name(), e.values());
      }
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
