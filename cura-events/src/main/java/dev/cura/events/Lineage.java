package dev.cura.events;

import java.util.List;

/**
 * Where an adapter comes from: everything needed to reproduce it.
 *
 * @param baseModel base checkpoint and its digest
 * @param quantizedArtifactDigest SHA-256 of the quantized base it was trained on
 * @param datasets the training (and validation) files with digests
 * @param lora LoRA hyper-parameters
 * @param quantization base-model quantization
 * @param optimizer optimizer and learning rate
 * @param training loop settings
 * @param codeVersion CURA version (and commit when known) that trained it
 */
public record Lineage(
    ContentRef baseModel,
    String quantizedArtifactDigest,
    List<DatasetRef> datasets,
    LoraConfig lora,
    QuantConfig quantization,
    OptimizerConfig optimizer,
    TrainingConfig training,
    String codeVersion) {
  public Lineage {
    datasets = datasets == null ? null : List.copyOf(datasets);
  }
}
