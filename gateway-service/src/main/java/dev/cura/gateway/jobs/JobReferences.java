package dev.cura.gateway.jobs;

import dev.cura.gateway.files.StoredFile;
import dev.cura.gateway.models.BaseModel;
import dev.cura.rest.api.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a job submission refers to — its base model and files — looked up once and then served from
 * memory, so a submission costs one database round trip. Files are immutable rows (cached until
 * {@value #MAX_ENTRIES} entries, then the cache starts over); a model may be re-registered, so a
 * model entry lives {@code 10 s}.
 */
@ApplicationScoped
public class JobReferences {
  static final int MAX_ENTRIES = 10_000;
  static final Duration MODEL_TTL = Duration.ofSeconds(10);

  /** The parts of a base model a job needs. */
  public record ModelRef(String id, String sha256, Instant until) {}

  /** The parts of a file a job needs. */
  public record FileRef(String id, String tenant, String purpose, String uri, String sha256) {}

  private final Map<String, ModelRef> models = new ConcurrentHashMap<>();
  private final Map<String, FileRef> files = new ConcurrentHashMap<>();

  /** The registered model, or a 400 naming {@code model}. */
  public Uni<ModelRef> model(String id) {
    ModelRef hit = models.get(id);
    if (hit != null && hit.until().isAfter(Instant.now())) {
      return Uni.createFrom().item(hit);
    }
    return Panache.withSession(() -> BaseModel.<BaseModel>findById(id))
        .map(
            m -> {
              if (m == null) {
                throw ApiException.invalid(
                    "model",
                    "model '" + id + "' is not a registered base model; GET /v1/models lists them");
              }
              var ref = new ModelRef(m.id, m.sha256, Instant.now().plus(MODEL_TTL));
              bounded(models).put(id, ref);
              return ref;
            });
  }

  /** The tenant's fine-tune file, or a 400 naming {@code param}. */
  public Uni<FileRef> file(String tenant, String id, String param) {
    FileRef hit = files.get(id);
    Uni<FileRef> ref =
        hit != null
            ? Uni.createFrom().item(hit)
            : Panache.withSession(() -> StoredFile.<StoredFile>findById(id))
                .map(
                    f -> {
                      if (f == null) {
                        return null;
                      }
                      var r = new FileRef(f.id, f.tenant, f.purpose, f.uri, f.sha256);
                      bounded(files).put(id, r);
                      return r;
                    });
    return ref.map(
        f -> {
          if (f == null || !f.tenant().equals(tenant)) {
            throw ApiException.invalid(
                param, "no file '" + id + "'; upload one with POST /v1/files");
          }
          if (!"fine-tune".equals(f.purpose())) {
            throw ApiException.invalid(
                param, "file '" + id + "' has purpose '" + f.purpose() + "', not 'fine-tune'");
          }
          return f;
        });
  }

  private static <V> Map<String, V> bounded(Map<String, V> map) {
    if (map.size() >= MAX_ENTRIES) {
      map.clear();
    }
    return map;
  }
}
