package dev.cura.events;

/**
 * A reference to content with its digest: a base model, a quantized artifact, an adapter.
 *
 * @param uri where the content lives: a model name known to the services (e.g. {@code cura-tiny}),
 *     a filesystem path, or a {@code file:}/{@code cas:} URI
 * @param sha256 lowercase hex SHA-256 of the content (for directories: of the artifact store's
 *     manifest), 64 characters
 */
public record ContentRef(String uri, String sha256) {}
