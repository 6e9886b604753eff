package dev.cura.gateway.files;

import dev.cura.rest.api.ApiException;
import dev.cura.rest.api.ListPage;
import dev.cura.rest.api.OnWorker;
import dev.cura.rest.api.Text;
import dev.cura.rest.auth.Caller;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * {@code POST /v1/files} (multipart {@code file}, {@code purpose=fine-tune}): validates the JSONL
 * line by line ({@link JsonlValidator}) — a bad file is a 400 naming its lines and is not stored —
 * then stores it content-addressed. {@code GET /v1/files}, {@code GET /v1/files/{id}}.
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
              row.id = "file-" + UUID.randomUUID().toString().replace("-", "");
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

  @GET
  @WithSession
  public Uni<ListPage<FileView>> list() {
    return StoredFile.<StoredFile>find("tenant = ?1 order by createdAt desc", caller.tenant())
        .page(0, 100)
        .list()
        .map(rows -> ListPage.of(rows.stream().map(FileView::of).toList(), rows.size() == 100));
  }

  @GET
  @Path("{id}")
  @WithSession
  public Uni<FileView> get(@PathParam("id") String id) {
    return StoredFile.findOwned(caller.tenant(), id)
        .map(
            f -> {
              if (f == null) {
                throw ApiException.notFound("file", id);
              }
              return FileView.of(f);
            });
  }
}
