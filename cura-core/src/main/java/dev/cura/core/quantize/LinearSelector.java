package dev.cura.core.quantize;

import java.util.regex.Pattern;

/**
 * Which tensors are quantized: the weights of every decoder-layer linear of the Llama family —
 * {@code model.layers.N.self_attn.{q,k,v,o}_proj.weight} and {@code
 * model.layers.N.mlp.{gate,up,down}_proj.weight} (DESIGN §4). Embeddings, norms, biases and {@code
 * lm_head} stay as they are (as in QLoRA).
 */
public final class LinearSelector {
  private static final Pattern LINEAR =
      Pattern.compile(
          "(.*\\.)?layers\\.\\d+\\.(self_attn\\.(q|k|v|o)_proj|mlp\\.(gate|up|down)_proj)\\.weight");

  private LinearSelector() {}

  public static boolean isQuantizedLinear(String tensorName) {
    return LINEAR.matcher(tensorName).matches();
  }
}
