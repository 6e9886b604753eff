package dev.cura.core.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.core.safetensors.SafetensorsWriter;
import dev.cura.core.safetensors.TensorSpec;
import dev.cura.core.tensor.DType;
import dev.cura.core.util.FormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointDirTest {
  @TempDir Path tmp;

  static void writeFile(Path p, String name, float... v) throws Exception {
    try (SafetensorsWriter w =
        SafetensorsWriter.create(
            p, List.of(new TensorSpec(name, DType.F32, new long[] {v.length})), Map.of())) {
      w.writeFloats(name, v);
    }
  }

  @Test
  void singleFile() throws Exception {
    Files.writeString(tmp.resolve("config.json"), "{\"model_type\":\"llama\"}");
    Files.writeString(tmp.resolve("tokenizer.json"), "{}");
    writeFile(tmp.resolve("model.safetensors"), "w", 1, 2, 3);
    try (CheckpointDir c = CheckpointDir.open(tmp)) {
      assertEquals("llama", c.modelType());
      assertEquals(List.of("w"), c.tensorNames());
      assertArrayEquals(new float[] {1, 2, 3}, c.readFloats("w"));
      assertEquals(List.of(tmp.resolve("tokenizer.json")), c.auxiliaryFiles());
      assertEquals(false, c.isSharded());
    }
  }

  @Test
  void shards() throws Exception {
    Files.writeString(tmp.resolve("config.json"), "{}");
    writeFile(tmp.resolve("model-00001-of-00002.safetensors"), "a", 1);
    writeFile(tmp.resolve("model-00002-of-00002.safetensors"), "b", 2, 3);
    Files.writeString(
        tmp.resolve("model.safetensors.index.json"),
        "{\"metadata\":{\"total_size\":12},\"weight_map\":{\"b\":\"model-00002-of-00002.safetensors\","
            + "\"a\":\"model-00001-of-00002.safetensors\"}}");
    try (CheckpointDir c = CheckpointDir.open(tmp)) {
      assertEquals(List.of("a", "b"), c.tensorNames());
      assertArrayEquals(new float[] {2, 3}, c.readFloats("b"));
      assertEquals(2, c.files().size());
    }
  }

  @Test
  void rejectsNonCheckpointsAndHostileIndex() throws Exception {
    FormatException e = assertThrows(FormatException.class, () -> CheckpointDir.open(tmp));
    assertTrue(e.getMessage().contains("config.json is missing"), e.getMessage());
    Files.writeString(tmp.resolve("config.json"), "{}");
    e = assertThrows(FormatException.class, () -> CheckpointDir.open(tmp));
    assertTrue(e.getMessage().contains("neither model.safetensors"), e.getMessage());
    Files.writeString(
        tmp.resolve("model.safetensors.index.json"),
        "{\"weight_map\":{\"a\":\"../../etc/passwd\"}}");
    e = assertThrows(FormatException.class, () -> CheckpointDir.open(tmp));
    assertTrue(e.getMessage().contains("plain file name"), e.getMessage());
    Files.writeString(
        tmp.resolve("model.safetensors.index.json"),
        "{\"weight_map\":{\"a\":\"missing.safetensors\"}}");
    e = assertThrows(FormatException.class, () -> CheckpointDir.open(tmp));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    writeFile(tmp.resolve("missing.safetensors"), "other", 1);
    e = assertThrows(FormatException.class, () -> CheckpointDir.open(tmp));
    assertTrue(e.getMessage().contains("lists tensor a"), e.getMessage());
  }
}
