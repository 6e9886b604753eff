package dev.cura.events;

/**
 * A training checkpoint (adapter + optimizer + data position + RNG) was written (topic {@link
 * Topics#JOB_PROGRESS}). A trainer that takes over a job resumes from the latest one.
 *
 * @param jobId job id, the record key
 * @param step optimizer steps done at the checkpoint
 * @param digest SHA-256 of the checkpoint in the artifact store
 * @param uri where the checkpoint lives; absent when only the digest is known
 */
public record CheckpointSaved(String jobId, long step, String digest, @OptionalField String uri)
    implements CuraEvent {}
