package dev.cura.events;

/**
 * One dataset file of a job.
 *
 * @param fileId the gateway's file id (e.g. {@code file-abc123})
 * @param split {@code train} or {@code validation}
 * @param uri where the JSONL file lives (artifact store URI or path)
 * @param sha256 lowercase hex SHA-256 of the file's bytes
 */
public record DatasetRef(String fileId, String split, String uri, String sha256) {}
