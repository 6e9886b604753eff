package dev.cura.core.quantize;

import java.util.regex.Pattern;

/**
 * Which tensors are quantized: the weight of every decoder-layer linear, whatever the family names
 * it — {@code model.layers.N.self_attn.{q,k,v,o}_proj.weight} and {@code
 * model.layers.N.mlp.{gate,up,down}_proj.weight} (Llama, Mistral, Qwen2/3, Gemma 2), Phi-3's fused
 * {@code self_attn.qkv_proj} and {@code mlp.gate_up_proj} (DESIGN §4). Embeddings, norms (also
 * Qwen3's {@code q_norm}/{@code k_norm} and Gemma 2's extra feed-forward norms), biases and {@code
 * lm_head} stay as they are, as bitsandbytes/transformers leave them.
 */
public final class LinearSelector {
  private static final Pattern LINEAR =
      Pattern.compile(
          "(.*\\.)?layers\\.\\d+\\.(self_attn\\.(q|k|v|o|qkv)_proj|mlp\\.(gate|up|down|gate_up)_proj)"
              + "\\.weight");

  private LinearSelector() {}

  public static boolean isQuantizedLinear(String tensorName) {
    return LINEAR.matcher(tensorName).matches();
  }
}
