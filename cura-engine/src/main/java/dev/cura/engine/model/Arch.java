package dev.cura.engine.model;

/**
 * What distinguishes one decoder family from another, as switches on the one Llama-shaped
 * computation (read from config.json by {@link FamilyConfigs}; docs/models.md has the table).
 *
 * @param family the config's model_type: llama, mistral, qwen2, qwen3, phi3 or gemma2
 * @param qkvBias q/k/v projections have biases (qwen2; llama/qwen3/gemma2 with attention_bias)
 * @param outBias o_proj has a bias (llama/qwen3/gemma2 with attention_bias)
 * @param mlpBias gate/up/down have biases (llama's mlp_bias)
 * @param qkNorm per-head RMSNorm on q and k before RoPE (qwen3's q_norm, k_norm)
 * @param fused phi3's fused qkv_proj [q; k; v] and gate_up_proj [gate; up]
 * @param activation the MLP activation: silu, gelu_pytorch_tanh (= gelu_new) or gelu (erf)
 * @param rope rope_scaling
 * @param windowFromLayer with a sliding window, the first layer that uses it (qwen2/qwen3's
 *     max_window_layers; 0 for all layers)
 * @param windowEvenLayers the window applies to even layers only (gemma2)
 * @param gemmaNorms gemma2's RMSNorm·(1 + w), √hidden embedding scale and the extra post-attention
 *     / pre- and post-feed-forward norms
 * @param queryScale the attention score multiplier (0 → 1/√head_dim; gemma2:
 *     query_pre_attn_scalar^−½)
 * @param attnSoftcap attention logit soft-capping c: s → c·tanh(s/c) (0 = none)
 * @param finalSoftcap final logit soft-capping (0 = none)
 */
public record Arch(
    String family,
    boolean qkvBias,
    boolean outBias,
    boolean mlpBias,
    boolean qkNorm,
    boolean fused,
    String activation,
    RopeScaling rope,
    int windowFromLayer,
    boolean windowEvenLayers,
    boolean gemmaNorms,
    double queryScale,
    double attnSoftcap,
    double finalSoftcap) {

  /** Plain Llama: SiLU, no biases, plain RoPE. */
  public static final Arch LLAMA =
      new Arch(
          "llama",
          false,
          false,
          false,
          false,
          false,
          "silu",
          RopeScaling.NONE,
          0,
          false,
          false,
          0,
          0,
          0);

  public Arch {
    if (!FamilyConfigs.ACTIVATIONS.contains(activation)) {
      throw new IllegalArgumentException(
          "hidden_act '" + activation + "' is not supported (" + FamilyConfigs.ACTIVATIONS + ")");
    }
  }

  /** The same architecture under another model_type (mistral has llama's math). */
  public Arch withFamily(String f) {
    return new Arch(
        f,
        qkvBias,
        outBias,
        mlpBias,
        qkNorm,
        fused,
        activation,
        rope,
        windowFromLayer,
        windowEvenLayers,
        gemmaNorms,
        queryScale,
        attnSoftcap,
        finalSoftcap);
  }

  /** Whether layer {@code i} uses the sliding window (when the config has one). */
  public boolean windowed(int layer) {
    return layer >= windowFromLayer && (!windowEvenLayers || layer % 2 == 0);
  }
}
