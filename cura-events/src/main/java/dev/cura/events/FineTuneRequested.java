package dev.cura.events;

import java.util.List;

/**
 * A fine-tuning job was requested (topic {@link Topics#JOB_REQUESTED}). Produced by the gateway or
 * any upstream system; the quantizer starts from it, the gateway projects it.
 *
 * @param jobId job id ({@code ftjob-…}), the record key
 * @param tenant tenant that owns the job and its adapter
 * @param baseModel base checkpoint and its digest
 * @param datasets training (and optional validation) files with digests
 * @param lora LoRA hyper-parameters
 * @param quantization base-model quantization
 * @param optimizer optimizer and learning rate
 * @param training loop settings (epochs, batch, seed, …)
 * @param adapterName name the registry versions the resulting adapter under
 */
public record FineTuneRequested(
    String jobId,
    String tenant,
    ContentRef baseModel,
    List<DatasetRef> datasets,
    LoraConfig lora,
    QuantConfig quantization,
    OptimizerConfig optimizer,
    TrainingConfig training,
    String adapterName)
    implements CuraEvent {
  public FineTuneRequested {
    datasets = datasets == null ? null : List.copyOf(datasets);
  }
}
