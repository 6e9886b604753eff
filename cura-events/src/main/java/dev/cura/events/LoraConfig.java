package dev.cura.events;

import java.util.List;

/**
 * LoRA hyper-parameters (QLORA-SPEC.md): the adapter adds {@code (alpha / r) · B·A·dropout(x)} to
 * each targeted linear.
 *
 * @param r rank of A [r, in] and B [out, r]
 * @param alpha scaling numerator; the update is scaled by alpha / r
 * @param dropout dropout probability on the adapter input
 * @param targetModules linear names ({@code q_proj}, …); absent means all decoder linears
 */
public record LoraConfig(
    int r, double alpha, double dropout, @OptionalField List<String> targetModules) {}
