package dev.cura.engine.peft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.core.safetensors.SafetensorsFile;
import dev.cura.core.safetensors.SafetensorsWriter;
import dev.cura.core.safetensors.TensorSpec;
import dev.cura.core.tensor.DType;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.nn.LoraConfig;
import dev.cura.engine.nn.LoraLinear;
import dev.cura.engine.nn.LoraParams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * PEFT's LoRA adapter layout: {@code adapter_config.json} ({@code peft_type: LORA}, r, lora_alpha,
 * lora_dropout, target_modules, base_model_name_or_path, task_type CAUSAL_LM, use_rslora) and
 * {@code adapter_model.safetensors} with keys {@code
 * base_model.model.model.layers.{i}.self_attn.q_proj.lora_A.weight} [r, in] and {@code lora_B}
 * [out, r], F32.
 */
public final class PeftAdapter {
  public static final String CONFIG = "adapter_config.json";
  public static final String WEIGHTS = "adapter_model.safetensors";
  private static final ObjectMapper JSON = new ObjectMapper();

  private PeftAdapter() {}

  /** Writes the model's LoRA branches (written to temp files, then renamed). */
  public static void save(Path dir, LlamaModel model, LoraConfig cfg, String baseModel)
      throws IOException {
    cfg = LoraParams.resolve(model, cfg);
    Files.createDirectories(dir);
    ObjectNode c = JSON.createObjectNode();
    c.put("peft_type", "LORA");
    c.put("task_type", "CAUSAL_LM");
    c.put("r", cfg.rank());
    c.put("lora_alpha", cfg.alpha());
    c.put("lora_dropout", cfg.dropout());
    var t = c.putArray("target_modules");
    cfg.targets().forEach(t::add);
    c.put("base_model_name_or_path", baseModel);
    c.put("bias", "none");
    c.put("use_rslora", cfg.rslora());
    c.put("fan_in_fan_out", false);
    c.put("inference_mode", true);
    c.put("init_lora_weights", true);
    Path tmpCfg = dir.resolve(CONFIG + ".tmp");
    JSON.writerWithDefaultPrettyPrinter().writeValue(tmpCfg.toFile(), c);

    List<LoraParams.Param> params = LoraParams.params(model);
    List<TensorSpec> specs = new ArrayList<>();
    for (LoraParams.Param p : params) {
      specs.add(new TensorSpec(p.name(), DType.F32, p.value().getShape().getShape()));
    }
    Path tmp = dir.resolve(WEIGHTS + ".tmp");
    try (SafetensorsWriter w = SafetensorsWriter.create(tmp, specs, Map.of("format", "pt"))) {
      for (LoraParams.Param p : params) {
        w.writeFloats(p.name(), p.value().toFloatArray());
      }
    }
    Files.move(tmp, dir.resolve(WEIGHTS), StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmpCfg, dir.resolve(CONFIG), StandardCopyOption.REPLACE_EXISTING);
  }

  /** Reads adapter_config.json. */
  public static LoraConfig readConfig(Path dir) throws IOException {
    Path f = dir.resolve(CONFIG);
    if (!Files.isRegularFile(f)) {
      throw new IllegalArgumentException("expected a PEFT " + CONFIG + " in " + dir);
    }
    JsonNode c = JSON.readTree(f.toFile());
    if (!c.path("peft_type").asText().equals("LORA")) {
      throw new IllegalArgumentException(
          f + ": peft_type must be LORA, got '" + c.path("peft_type").asText() + "'");
    }
    List<String> targets = new ArrayList<>();
    JsonNode tm = c.path("target_modules");
    if (tm.isArray()) {
      tm.forEach(x -> targets.add(x.asText()));
    }
    // a regex or "all-linear": the tensors decide which modules have LoRA
    targets.retainAll(LoraConfig.KNOWN);
    if (targets.isEmpty()) {
      targets.addAll(LoraConfig.ALL_LINEARS);
    }
    return new LoraConfig(
        c.path("r").asInt(8),
        c.path("lora_alpha").asDouble(8),
        c.path("lora_dropout").asDouble(0),
        targets,
        c.path("use_rslora").asBoolean(false));
  }

  /**
   * Loads an adapter (CURA's or PEFT's) into the model: every module with lora_A/lora_B tensors
   * gets a LoRA branch (F32, F16 or BF16 stored; scaling from the config). Returns the config.
   */
  public static LoraConfig load(Path dir, LlamaModel model) throws IOException {
    LoraConfig cfg = readConfig(dir);
    Path f = dir.resolve(WEIGHTS);
    if (!Files.isRegularFile(f)) {
      throw new IllegalArgumentException("expected " + WEIGHTS + " in " + dir);
    }
    int loaded = 0;
    try (SafetensorsFile st = SafetensorsFile.open(f)) {
      for (LoraLinear l : model.linears()) {
        String a = LoraParams.peftKey(l.name(), "lora_A");
        String b = LoraParams.peftKey(l.name(), "lora_B");
        if (!st.contains(a) && !st.contains(b)) {
          continue;
        }
        if (!st.contains(a) || !st.contains(b)) {
          throw new IllegalArgumentException(
              f + ": " + l.name() + " has only one of lora_A/lora_B");
        }
        long[] as = st.info(a).shape();
        int r = (int) as[0];
        l.setLora(
            model.manager(), st.readFloats(a), st.readFloats(b), r, cfg.scaling(), cfg.dropout());
        loaded++;
      }
    }
    if (loaded == 0) {
      throw new IllegalArgumentException(
          f
              + ": no lora_A/lora_B tensor matches a linear of this model (keys like "
              + LoraParams.peftKey("model.layers.0.self_attn.q_proj", "lora_A")
              + ")");
    }
    return cfg;
  }
}
