package dev.cura.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.cura.core.synth.SyntheticCheckpoint;
import dev.cura.engine.nn.LoraConfig;
import dev.cura.engine.nn.LoraParams;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The family presets have the published shapes, and every tiny one written as a checkpoint loads,
 * runs and takes LoRA on the family's linears.
 */
class FamilyPresetsTest {
  /** Parameter counts as the model cards and safetensors indexes give them. */
  @ParameterizedTest
  @CsvSource({
    "llama3, 8B, 8030261248", // Meta-Llama-3-8B
    "mistral, 7B, 7248023552", // Mistral-7B-v0.3
    "qwen2, 7B, 7615616512", // Qwen2.5-7B
    "phi3, 3.8B, 3821079552", // Phi-3-mini
    "gemma2, 2B, 2614341888", // gemma-2-2b
  })
  void publishedShapes(String arch, String name, long params) {
    LlamaConfig c = FamilyPresets.presets(arch).get(name);
    assertEquals(params, FamilyPresets.params(c), arch + " " + name);
    assertEquals(c, FamilyPresets.forParams(arch, params));
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama3", "qwen2", "qwen3", "mistral", "phi3", "gemma2"})
  void tinyCheckpointsLoadAndTakeLora(String arch, @TempDir Path tmp) throws Exception {
    LlamaConfig c = FamilyPresets.tiny(arch);
    assertEquals(c, LlamaConfig.parse(FamilyPresets.configJson(c), "written"));
    SyntheticCheckpoint.write(
        FamilyPresets.tensors(c),
        FamilyPresets.configJson(c),
        FamilyPresets.normInit(c),
        3,
        tmp,
        bytes -> {});
    try (LlamaModel m = LlamaLoader.load(tmp, LoadOptions.cpu(LoadOptions.Quant.NF4));
        NDManager nd = NDManager.newBaseManager()) {
      LoraParams.attach(m, new LoraConfig(4, 8, 0, LoraConfig.ALL_LINEARS, false), 1);
      List<String> targets =
          LoraParams.resolve(m, new LoraConfig(4, 8, 0, LoraConfig.ALL_LINEARS, false)).targets();
      assertEquals(arch.equals("phi3") ? LoraConfig.PHI3_LINEARS : LoraConfig.ALL_LINEARS, targets);
      float[] logits = m.logits(new long[] {0, 5, 6, 7}, nd);
      assertEquals(4 * c.vocabSize(), logits.length);
      for (float v : logits) {
        assertTrue(Float.isFinite(v));
      }
    }
  }
}
