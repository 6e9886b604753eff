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
 * @param targets module names (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj; phi3:
 *     qkv_proj, o_proj, gate_up_proj, down_proj); {@link #ALL_LINEARS} means every decoder linear
 *     of whatever family the model is
 * @param rslora use α/√r
 */
public record LoraConfig(
    int rank, double alpha, double dropout, List<String> targets, boolean rslora) {

  /** Every decoder linear, the QLoRA default ("LoRA on all linear transformer block layers"). */
  public static final List<String> ALL_LINEARS =
      List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

  /** Phi-3's decoder linears as PEFT names them (fused q/k/v and gate/up). */
  public static final List<String> PHI3_LINEARS =
      List.of("qkv_proj", "o_proj", "gate_up_proj", "down_proj");

  /** Every decoder-linear name of the supported families. */
  public static final Set<String> KNOWN =
      Set.of(
          "q_proj",
          "k_proj",
          "v_proj",
          "o_proj",
          "gate_proj",
          "up_proj",
          "down_proj",
          "qkv_proj",
          "gate_up_proj");

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
            "lora.target_modules must be among "
                + new java.util.TreeSet<>(KNOWN)
                + " (phi3: "
                + PHI3_LINEARS
                + "), got '"
                + t
                + "'");
      }
    }
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("lora.target_modules must name at least one module");
    }
  }

  /** Whether this asks for every decoder linear (the default, whatever the family names them). */
  public boolean allLinears() {
    return targets.equals(ALL_LINEARS) || targets.equals(PHI3_LINEARS);
  }

  /** The same hyperparameters on other target modules. */
  public LoraConfig withTargets(List<String> t) {
    return new LoraConfig(rank, alpha, dropout, t, rslora);
  }

  /** α/r (or α/√r with rsLoRA). */
  public double scaling() {
    return rslora ? alpha / Math.sqrt(rank) : alpha / rank;
  }
}
