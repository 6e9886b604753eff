package dev.cura.core.quantize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.core.util.Json;

/**
 * The {@code quantization_config} that transformers' {@code BitsAndBytesConfig.to_dict()} writes
 * into config.json for a 4-bit model (keys sorted, as transformers sorts them).
 */
public final class BnbConfig {
  private BnbConfig() {}

  /** The quantization_config object for {@code s}. */
  public static ObjectNode quantizationConfig(QuantizeSettings s) {
    ObjectNode q = Json.MAPPER.createObjectNode();
    q.put("_load_in_4bit", true);
    q.put("_load_in_8bit", false);
    q.put("bnb_4bit_compute_dtype", s.computeDtype().torchName());
    q.put("bnb_4bit_quant_storage", "uint8");
    q.put("bnb_4bit_quant_type", s.quantType().jsonName());
    q.put("bnb_4bit_use_double_quant", s.doubleQuant());
    q.put("llm_int8_enable_fp32_cpu_offload", false);
    q.put("llm_int8_has_fp16_weight", false);
    q.putNull("llm_int8_skip_modules");
    q.put("llm_int8_threshold", 6.0);
    q.put("load_in_4bit", true);
    q.put("load_in_8bit", false);
    q.put("quant_method", "bitsandbytes");
    // CURA's own record of the block size (each weight's JSON blob carries it for loaders)
    q.put("cura_blocksize", s.blocksize());
    return q;
  }

  /** A copy of {@code config} with the quantization_config added. */
  public static ObjectNode withQuantizationConfig(JsonNode config, QuantizeSettings s) {
    ObjectNode cfg = ((ObjectNode) config).deepCopy();
    cfg.set("quantization_config", quantizationConfig(s));
    return cfg;
  }
}
