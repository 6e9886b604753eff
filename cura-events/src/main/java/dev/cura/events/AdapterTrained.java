package dev.cura.events;

import java.util.Map;

/**
 * Training finished and the PEFT adapter is in the artifact store (topic {@link
 * Topics#ADAPTER_TRAINED}). Produced by the trainer; the registry versions it.
 *
 * @param jobId job id, the record key
 * @param tenant tenant that owns the adapter
 * @param adapterName name to register the adapter under
 * @param adapterDigest SHA-256 of the adapter directory in the artifact store
 * @param adapterUri where the adapter lives
 * @param metrics final numbers, e.g. {@code train_loss}, {@code eval_loss}, {@code steps}, {@code
 *     tokens_per_second}
 * @param lineage what it was trained from
 */
public record AdapterTrained(
    String jobId,
    String tenant,
    String adapterName,
    String adapterDigest,
    String adapterUri,
    Map<String, Double> metrics,
    Lineage lineage)
    implements CuraEvent {
  public AdapterTrained {
    metrics = metrics == null ? null : Map.copyOf(metrics);
  }
}
