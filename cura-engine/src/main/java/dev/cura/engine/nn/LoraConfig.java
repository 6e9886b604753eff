package dev.cura.engine.nn;

import java.util.List;
import java.util.Set;

/**
 * LoRA hyperparameters (QLORA-SPEC §8): ΔW = B·A·scaling with A [r, in], B [out, r], scaling = α/r,
 * or α/√r with rsLoRA; dropout on the layer input before A.
 *
 * @param rank r
 * @param alpha α
 * @param dropout dropout probability on the LoRA input
 * @param targets module names (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)
 * @param rslora use α/√r
 */
public record LoraConfig(
    int rank, double alpha, double dropout, List<String> targets, boolean rslora) {

  /** Every decoder linear, the QLoRA default ("LoRA on all linear transformer block layers"). */
  public static final List<String> ALL_LINEARS =
      List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

  private static final Set<String> KNOWN = Set.copyOf(ALL_LINEARS);

  public LoraConfig {
    targets = List.copyOf(targets);
    if (rank < 1) {
      throw new IllegalArgumentException("lora.r must be at least 1, got " + rank);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("lora.dropout must be in [0, 1), got " + dropout);
    }
    for (String t : targets) {
      if (!KNOWN.contains(t)) {
        throw new IllegalArgumentException(
            "lora.target_modules must be among " + ALL_LINEARS + ", got '" + t + "'");
      }
    }
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("lora.target_modules must name at least one module");
    }
  }

  /** α/r (or α/√r with rsLoRA). */
  public double scaling() {
    return rslora ? alpha / Math.sqrt(rank) : alpha / rank;
  }
}
