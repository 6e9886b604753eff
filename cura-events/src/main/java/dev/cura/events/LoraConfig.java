package dev.cura.events;

import java.util.List;

/**
 * LoRA hyper-parameters (QLORA-SPEC.md): the adapter adds {@code (alpha / r) · B·A·dropout(x)} to
 * each targeted linear ({@code alpha / √r} with rsLoRA). Rules and defaults: {@link JobSpec}.
 *
 * @param r rank of A [r, in] and B [out, r]
 * @param alpha scaling numerator; the update is scaled by alpha / r
 * @param dropout dropout probability on the adapter input
 * @param targetModules linear names ({@code q_proj}, …); absent means all decoder linears
 * @param useRslora scale by alpha / √r (rank-stabilized LoRA); absent means false
 */
public record LoraConfig(
    int r,
    double alpha,
    double dropout,
    @OptionalField List<String> targetModules,
    @OptionalField Boolean useRslora) {
  public LoraConfig {
    targetModules = targetModules == null ? null : List.copyOf(targetModules);
  }

  /** Without rsLoRA (absent: the default). */
  public LoraConfig(int r, double alpha, double dropout, List<String> targetModules) {
    this(r, alpha, dropout, targetModules, null);
  }
}
