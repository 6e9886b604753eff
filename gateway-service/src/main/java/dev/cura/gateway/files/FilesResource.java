package dev.cura.gateway.files;

import dev.cura.gateway.Ids;
import dev.cura.rest.api.ApiException;
import dev.cura.rest.api.OnWorker;
import dev.cura.rest.api.Text;
import dev.cura.rest.auth.Caller;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * {@code POST /v1/files} (multipart {@code file}, {@code purpose=fine-tune}): validates the JSONL
 * line by line ({@link JsonlValidator}) — a bad file is a 400 naming its lines and is not stored —
 * then stores it content-addressed. {@code GET /v1/files} (paged as OpenAI's), {@code GET
 * /v1/files/{id}}, {@code GET /v1/files/{id}/content}, {@code DELETE /v1/files/{id}}.
 */
@Path("/v1/files")
@Produces(MediaType.APPLICATION_JSON)
public class FilesResource {
  private final Caller caller;
  private final FileStore store;
  private final JsonlValidator validator;

  FilesResource(
      Caller caller,
      @ConfigProperty(name = "cura.artifact-root") String artifactRoot,
      @ConfigProperty(name = "cura.files.max-bytes") long maxBytes) {
    this.caller = caller;
    this.store = new FileStore(java.nio.file.Path.of(artifactRoot));
    var d = JsonlValidator.Limits.DEFAULT;
    this.validator =
        new JsonlValidator(
            new JsonlValidator.Limits(maxBytes, d.maxLineBytes(), d.maxExamples(), d.maxErrors()));
  }

  /** The OpenAI file object, plus digest, format and example count. */
  public record FileView(
      String id,
      String object,
      long bytes,
      long createdAt,
      String filename,
      String purpose,
      String status,
      String sha256,
      String format,
      long examples) {
    static FileView of(StoredFile f) {
      return new FileView(
          f.id,
          "file",
          f.bytes,
          f.createdAt.getEpochSecond(),
          f.filename,
          f.purpose,
          "processed",
          f.sha256,
          f.format,
          f.examples);
    }
  }

  @POST
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @WithTransaction
  public Uni<Response> upload(@RestForm("file") FileUpload file, @RestForm String purpose) {
    String tenant = caller.tenant();
    if (file == null) {
      throw ApiException.invalid("file", "multipart field 'file' (the JSONL file) is required");
    }
    if (!"fine-tune".equals(purpose)) {
      throw ApiException.invalid(
          "purpose",
          "purpose must be 'fine-tune', got "
              + (purpose == null ? "nothing" : "'" + purpose + "'"));
    }
    String filename =
        file.fileName() == null || file.fileName().isBlank() ? "upload.jsonl" : file.fileName();
    Text.requireClean(filename, "file", "the file name");
    return OnWorker.call(
            () -> {
              JsonlValidator.Result result;
              try (InputStream in = Files.newInputStream(file.uploadedFile())) {
                result = validator.validate(in);
              }
              if (!result.valid()) {
                throw new ApiException(
                    400, "invalid_file", filename + ": " + result.summary(), "file");
              }
              return new Validated(result, store.put(file.uploadedFile()));
            })
        .flatMap(
            v -> {
              var row = new StoredFile();
              row.id = Ids.next("file-");
              row.tenant = tenant;
              row.filename = filename.length() > 255 ? filename.substring(0, 255) : filename;
              row.purpose = purpose;
              row.bytes = v.stored.bytes();
              row.sha256 = v.stored.sha256();
              row.uri = v.stored.uri();
              row.format = v.result.format().name().toLowerCase();
              row.examples = v.result.examples();
              row.createdAt = Instant.now();
              return row.<StoredFile>persist();
            })
        .map(f -> Response.status(200).entity(FileView.of(f)).build());
  }

  private record Validated(JsonlValidator.Result result, FileStore.Stored stored) {}

  /**
   * OpenAI's file list: {@code limit} (1..10000, default 10000), {@code after} (a file id of the
   * previous page), {@code order} ({@code desc} by creation time, the default, or {@code asc}),
   * {@code purpose}; {@code first_id}, {@code last_id} and {@code has_more} tell the next page.
   */
  @GET
  @WithSession
  public Uni<FilePage> list(
      @QueryParam("limit") Integer limit,
      @QueryParam("after") String after,
      @QueryParam("order") String order,
      @QueryParam("purpose") String purpose) {
    String tenant = caller.tenant();
    if (limit != null && (limit < 1 || limit > 10_000)) {
      throw ApiException.invalid("limit", "limit must be between 1 and 10000, got " + limit);
    }
    int n = limit == null ? 10_000 : limit;
    boolean asc;
    if (order == null || order.equals("desc")) {
      asc = false;
    } else if (order.equals("asc")) {
      asc = true;
    } else {
      throw ApiException.invalid("order", "order must be 'asc' or 'desc', got '" + order + "'");
    }
    String dir = asc ? "asc" : "desc";
    String cmp = asc ? ">" : "<";
    String byPurpose = purpose == null ? "" : " and purpose = :purpose";
    Uni<StoredFile> cursor =
        after == null
            ? Uni.createFrom().nullItem()
            : StoredFile.findOwned(tenant, after)
                .map(
                    f -> {
                      if (f == null) {
                        throw ApiException.invalid(
                            "after", "after must be a file id of yours, got '" + after + "'");
                      }
                      return f;
                    });
    return cursor
        .flatMap(
            c -> {
              var params = io.quarkus.panache.common.Parameters.with("tenant", tenant);
              if (purpose != null) {
                params = params.and("purpose", purpose);
              }
              String where = "tenant = :tenant" + byPurpose;
              if (c != null) {
                where +=
                    " and (createdAt " + cmp + " :at or (createdAt = :at and id " + cmp + " :id))";
                params = params.and("at", c.createdAt).and("id", c.id);
              }
              return StoredFile.<StoredFile>find(
                      where + " order by createdAt " + dir + ", id " + dir, params)
                  .page(0, n + 1)
                  .list();
            })
        .map(rows -> FilePage.of(rows.stream().map(FileView::of).toList(), n));
  }

  /** OpenAI's file list page: the list shape plus {@code first_id} and {@code last_id}. */
  public record FilePage(
      String object, List<FileView> data, String firstId, String lastId, boolean hasMore) {
    static FilePage of(List<FileView> rows, int limit) {
      boolean more = rows.size() > limit;
      List<FileView> page = more ? rows.subList(0, limit) : rows;
      // OpenAI's SDKs require both ids as strings; an empty page has none to give
      String first = page.isEmpty() ? "" : page.getFirst().id();
      String last = page.isEmpty() ? "" : page.getLast().id();
      return new FilePage("list", List.copyOf(page), first, last, more);
    }
  }

  /** The file's bytes, as uploaded ({@code GET /v1/files/{id}/content}). */
  @GET
  @Path("{id}/content")
  @Produces(MediaType.WILDCARD) // the SDKs ask for application/binary, curl for */*
  @WithSession
  public Uni<Response> content(@PathParam("id") String id) {
    return owned(id)
        .map(
            f -> {
              java.nio.file.Path data = store.path(f.sha256);
              if (!Files.isRegularFile(data)) {
                throw new IllegalStateException(
                    "file " + id + " (sha256 " + f.sha256 + ") is missing from the artifact store");
              }
              return Response.ok(data.toFile(), "application/jsonl")
                  .header(
                      "Content-Disposition",
                      "attachment; filename=\"" + f.filename.replace("\"", "") + "\"")
                  .build();
            });
  }

  /**
   * Deletes the file from the tenant's list ({@code {"id","object":"file","deleted":true}}). Its
   * bytes stay in the content-addressed store, where jobs that used it still find them.
   */
  @DELETE
  @Path("{id}")
  @WithTransaction
  public Uni<Deleted> delete(@PathParam("id") String id) {
    return owned(id).flatMap(f -> f.delete().replaceWith(new Deleted(id, "file", true)));
  }

  /** OpenAI's {@code FileDeleted}. */
  public record Deleted(String id, String object, boolean deleted) {}

  private Uni<StoredFile> owned(String id) {
    return StoredFile.findOwned(caller.tenant(), id)
        .map(
            f -> {
              if (f == null) {
                throw ApiException.notFound("file", id);
              }
              return f;
            });
  }

  @GET
  @Path("{id}")
  @WithSession
  public Uni<FileView> get(@PathParam("id") String id) {
    return owned(id).map(FileView::of);
  }
}
