package dev.cura.events;

/**
 * The registry stored a new immutable adapter version (topic {@link Topics#ADAPTER_REGISTERED}).
 * The gateway marks the job succeeded with {@code fine_tuned_model = "<name>:<version>"}.
 *
 * @param jobId job id, the record key
 * @param tenant tenant that owns the adapter
 * @param name adapter name
 * @param version version number, 1, 2, … per name
 * @param digest SHA-256 of the adapter
 */
public record AdapterRegistered(
    String jobId, String tenant, String name, int version, String digest) implements CuraEvent {}
