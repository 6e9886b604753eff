package dev.cura.gateway.models;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cura.core.models.ModelCatalog;
import dev.cura.core.models.ModelRoots;
import dev.cura.core.store.DirectoryDigest;
import dev.cura.events.References;
import dev.cura.rest.api.ApiException;
import dev.cura.rest.api.ListPage;
import dev.cura.rest.api.OnWorker;
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
import java.nio.file.Files;
import java.time.Instant;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The base-model catalog. {@code GET /v1/models}, {@code GET /v1/models/{id}}; {@code POST
 * /v1/models} {"id","path"} registers a Hugging Face directory inside the allowed roots (admin
 * only): it binds the id to the directory's real path and its {@link DirectoryDigest} in the shared
 * {@link ModelCatalog}, which is what the quantizer reads, and jobs carry that digest.
 */
@Path("/v1/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {
  static final Pattern MODEL_ID = References.MODEL_NAME;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Caller caller;
  private final ModelRoots paths;
  private final ModelCatalog catalog;

  ModelsResource(
      Caller caller,
      @ConfigProperty(name = "cura.model-roots") String roots,
      @ConfigProperty(name = "cura.artifact-root") String artifactRoot) {
    this.caller = caller;
    this.paths = new ModelRoots(roots, java.nio.file.Path.of(""));
    this.catalog = new ModelCatalog(java.nio.file.Path.of(artifactRoot));
  }

  /** Request body of a registration. */
  public record RegisterModel(String id, String path) {}

  /**
   * The OpenAI model object plus its digest, type and size. Base models belong to the installation
   * ({@code owned_by: "cura"}): neither which tenant's operator registered one nor the directory it
   * lives in on the server is shown to anybody, operators included (no response carries a server
   * path; the model is named by its id and its digest).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ModelView(
      String id,
      String object,
      long created,
      String ownedBy,
      String sha256,
      String modelType,
      long bytes) {
    static ModelView of(BaseModel m) {
      return new ModelView(
          m.id, "model", m.createdAt.getEpochSecond(), "cura", m.sha256, m.modelType, m.bytes);
    }
  }

  @GET
  @WithSession
  public Uni<ListPage<ModelView>> list() {
    caller.tenant();
    return BaseModel.<BaseModel>listAll(io.quarkus.panache.common.Sort.by("id"))
        .map(rows -> ListPage.of(rows.stream().map(m -> ModelView.of(m)).toList(), false));
  }

  @GET
  @Path("{id}")
  @WithSession
  public Uni<ModelView> get(@PathParam("id") String id) {
    caller.tenant();
    return BaseModel.<BaseModel>findById(id)
        .map(
            m -> {
              if (m == null) {
                throw ApiException.notFound("model", id);
              }
              return ModelView.of(m);
            });
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @WithTransaction
  public Uni<Response> register(RegisterModel body) {
    caller.requireOperator("registering a base model");
    if (body == null || body.id() == null || !MODEL_ID.matcher(body.id()).matches()) {
      throw ApiException.invalid(
          "id",
          "id must be "
              + References.MODEL_NAME_RULE
              + ", got "
              + (body == null || body.id() == null ? "nothing" : "'" + body.id() + "'"));
    }
    java.nio.file.Path dir;
    try {
      dir = paths.resolve(body.path());
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("path", e.getMessage());
    }
    String tenant = caller.tenant();
    return BaseModel.<BaseModel>findById(body.id())
        .flatMap(
            existing -> {
              if (existing != null && !existing.path.equals(dir.toString())) {
                throw ApiException.conflict(
                    "model_exists",
                    "model '"
                        + body.id()
                        + "' is already registered for "
                        + existing.path
                        + "; pick another id");
              }
              return OnWorker.call(() -> describe(body.id(), dir))
                  .flatMap(
                      d -> {
                        BaseModel m = existing != null ? existing : new BaseModel();
                        boolean fresh = existing == null;
                        m.id = body.id();
                        m.path = dir.toString();
                        m.sha256 = d.sha256;
                        m.modelType = d.modelType;
                        m.bytes = d.bytes;
                        m.ownedBy = tenant;
                        if (fresh) {
                          m.createdAt = Instant.now();
                        }
                        return m.<BaseModel>persist()
                            .map(
                                saved ->
                                    Response.status(fresh ? 201 : 200)
                                        .entity(ModelView.of(saved))
                                        .build());
                      });
            });
  }

  private record Described(String sha256, String modelType, long bytes) {}

  /**
   * Hashes the directory and binds the id to it in the shared catalog (the quantizer reads exactly
   * this directory, while its files have this digest). Runs before the row is written: a catalog
   * entry without a row is harmless (re-registering the id repairs both), a row without an entry
   * would list a model no job can use.
   */
  private Described describe(String id, java.nio.file.Path dir) throws java.io.IOException {
    String digest;
    try {
      digest = DirectoryDigest.of(dir, paths::contains);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("path", e.getMessage());
    }
    String modelType = null;
    try {
      JsonNode config = JSON.readTree(dir.resolve("config.json").toFile());
      modelType = config.path("model_type").asText(null);
    } catch (java.io.IOException e) {
      throw ApiException.invalid("path", "config.json is not valid JSON: " + e.getMessage());
    }
    catalog.put(new ModelCatalog.Entry(id, dir, digest, Instant.now()));
    long bytes;
    try (Stream<java.nio.file.Path> walk = Files.walk(dir)) {
      bytes =
          walk.filter(Files::isRegularFile)
              .mapToLong(
                  p -> {
                    try {
                      return Files.size(p);
                    } catch (java.io.IOException e) {
                      return 0;
                    }
                  })
              .sum();
    }
    return new Described(digest, modelType, bytes);
  }
}
