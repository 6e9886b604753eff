package dev.cura.events;

/**
 * A stage stopped work on a job because its owner cancelled it (topic {@link Topics#JOB_FAILED},
 * where a job that ends without an adapter is reported). Not a failure: the gateway shows the job
 * as {@code cancelled}, never as {@code failed}. Published in answer to a {@link CancelRequested}
 * by the stage that was working on the job; a job cancelled before any stage saw it gets none.
 *
 * @param jobId job id, the record key
 * @param stage where the work stopped
 * @param steps optimizer steps done before the stop (training only); absent otherwise
 */
public record JobCancelled(String jobId, JobFailed.Stage stage, @OptionalField Long steps)
    implements CuraEvent {}
