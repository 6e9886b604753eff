package dev.cura.events;

/**
 * The job's owner asked to cancel it (topic {@link Topics#JOB_CANCEL}). The quantizer and the
 * trainer stop work on the job; cancelling a finished job changes nothing.
 *
 * @param jobId job id, the record key
 * @param reason free text for the job's events; absent when none was given
 */
public record CancelRequested(String jobId, @OptionalField String reason) implements CuraEvent {}
