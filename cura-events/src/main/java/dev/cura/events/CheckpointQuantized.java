package dev.cura.events;

/**
 * A base checkpoint is available as a quantized artifact (topic {@link
 * Topics#CHECKPOINT_QUANTIZED}). Produced by the quantizer; the trainer starts training from it.
 *
 * <p>It carries the original request, so a trainer needs no other state to run the job.
 *
 * @param jobId job id, the record key
 * @param artifactDigest SHA-256 of the quantized artifact in the artifact store
 * @param artifactUri where the artifact lives (e.g. {@code file:/…/sha256/<digest>})
 * @param bitsPerParam stored bits per base parameter (4.127 for NF4 + DQ, blocksize 64)
 * @param errorStats reconstruction error of the quantized weights
 * @param cacheHit true when the artifact existed already and was reused
 * @param request the job's {@link FineTuneRequested}, unchanged
 */
public record CheckpointQuantized(
    String jobId,
    String artifactDigest,
    String artifactUri,
    double bitsPerParam,
    QuantErrorStats errorStats,
    boolean cacheHit,
    FineTuneRequested request)
    implements CuraEvent {}
