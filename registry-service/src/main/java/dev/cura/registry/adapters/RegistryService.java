package dev.cura.registry.adapters;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cura.core.store.JobOwners;
import dev.cura.core.util.Json;
import dev.cura.events.AdapterRegistered;
import dev.cura.events.AdapterTrained;
import dev.cura.events.EventDecodingException;
import dev.cura.events.EventEnvelope;
import dev.cura.events.JobFailed;
import dev.cura.events.Lineage;
import dev.cura.events.References;
import dev.cura.registry.CancelConsumer;
import dev.cura.registry.messaging.EventPublisher;
import dev.cura.rest.api.OnWorker;
import dev.cura.rest.inbox.ProcessedEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Turns {@code AdapterTrained} into an immutable adapter version and publishes {@code
 * AdapterRegistered}.
 *
 * <p>Effectively once: the version of a job is found by (tenant, job id) before anything else, so a
 * redelivered or duplicated event re-publishes the same version instead of making a new one (which
 * also repairs a crash between the commit and the publish). A new version number comes from the
 * adapter row, locked in the same transaction that inserts the version.
 *
 * <p>Before anything is written: the job id must be the event tenant's ({@link JobOwners}; else the
 * record is dead-lettered, {@code foreign_job}), the adapter must be referenced as {@code
 * cas:sha256/<its digest>} (else the job fails as a user error and the record is dead-lettered,
 * {@code invalid_reference}), and the job must not have been cancelled ({@link CancelConsumer}:
 * every cancel on the topic at that moment is handled first; a cancelled job's adapter is not
 * registered and the job gets a {@code JobFailed} "cancelled"). The artifact is verified (in the
 * store, intact, both PEFT files, content digest equal to the event's); a mismatch is the job's
 * failure ({@code JobFailed}, stage registering), not a poison record.
 */
// created at start-up so its counters are exported before the first adapter (dashboards, alerts)
@io.quarkus.runtime.Startup
@ApplicationScoped
public class RegistryService {
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
  private static final Logger LOG = Logger.getLogger(RegistryService.class);
  static final ObjectMapper JSON =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .addModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
          .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .build();

  static final Duration CANCELS_CATCH_UP = Duration.ofSeconds(10);
  static final String CANCELLED_MESSAGE = "cancelled before its adapter was registered";

  private final AdapterArtifacts artifacts;
  private final JobOwners owners;
  private final EventPublisher publisher;
  private final CancelConsumer cancels;
  private final MeterRegistry meters;

  RegistryService(
      @ConfigProperty(name = "cura.artifact-root") String root,
      EventPublisher publisher,
      CancelConsumer cancels,
      MeterRegistry meters) {
    this.artifacts = new AdapterArtifacts(Path.of(root));
    this.owners = new JobOwners(Path.of(root));
    this.publisher = publisher;
    this.cancels = cancels;
    this.meters = meters;
    meters.counter("cura.registry.versions", "outcome", "created");
    meters.counter("cura.registry.versions", "outcome", "redelivered");
    for (String file : AdapterArtifacts.FILES) {
      meters.counter("cura.registry.downloads", "file", file);
    }
  }

  public AdapterArtifacts artifacts() {
    return artifacts;
  }

  /** Registers (or finds) the job's version and publishes it. */
  public Uni<Void> onAdapterTrained(EventEnvelope<AdapterTrained> event) {
    AdapterTrained a = event.data();
    return OnWorker.call(() -> owners.mayAct(a.tenant(), a.jobId()))
        .flatMap(
            mine -> {
              if (!mine) {
                return Uni.createFrom().failure(EventDecodingException.foreignJob(a.jobId()));
              }
              try {
                References.check(a);
              } catch (EventDecodingException e) {
                return fail(a, JobFailed.Code.USER_ERROR, e.getMessage())
                    .onItem()
                    .failWith(() -> e);
              }
              return register(event);
            });
  }

  private Uni<Void> register(EventEnvelope<AdapterTrained> event) {
    AdapterTrained a = event.data();
    // the inbox row records the delivery; idempotency itself is by (tenant, job) below, because a
    // redelivery must re-publish the version it got
    return Panache.withTransaction(
            () ->
                ProcessedEvent.markProcessed(event).flatMap(first -> byJob(a.tenant(), a.jobId())))
        .flatMap(
            existing -> {
              if (existing != null) {
                meters.counter("cura.registry.versions", "outcome", "redelivered").increment();
                LOG.infof(
                    "job %s: already registered as %s:%d",
                    a.jobId(), existing.name, existing.version);
                return publish(existing);
              }
              return OnWorker.call(
                      () -> {
                        cancels.awaitCaughtUp(CANCELS_CATCH_UP);
                        return cancels.isCancelled(a.jobId());
                      })
                  .flatMap(
                      cancelled ->
                          cancelled
                              ? fail(a, JobFailed.Code.USER_ERROR, CANCELLED_MESSAGE)
                              : registerNew(event));
            });
  }

  private Uni<Void> registerNew(EventEnvelope<AdapterTrained> event) {
    AdapterTrained a = event.data();
    if (!NAME.matcher(a.adapterName()).matches()) {
      return fail(
          a,
          JobFailed.Code.USER_ERROR,
          "adapter name must be 1-200 characters of A-Z, a-z, 0-9, '.', '_' or '-', got '"
              + a.adapterName()
              + "'");
    }
    return OnWorker.call(() -> artifacts.verify(a.adapterDigest()))
        .flatMap(files -> Panache.withTransaction(() -> assign(event, files)))
        .flatMap(this::publish)
        .onFailure(IllegalArgumentException.class)
        .recoverWithUni(e -> fail(a, JobFailed.Code.INTERNAL, e.getMessage()));
  }

  private Uni<Void> fail(AdapterTrained a, JobFailed.Code code, String message) {
    LOG.warnf("job %s: adapter not registered: %s", a.jobId(), message);
    return publisher.publish(new JobFailed(a.jobId(), JobFailed.Stage.REGISTERING, code, message));
  }

  private Uni<Void> publish(AdapterVersion v) {
    return publisher.publish(new AdapterRegistered(v.jobId, v.tenant, v.name, v.version, v.digest));
  }

  private static Uni<AdapterVersion> byJob(String tenant, String jobId) {
    return AdapterVersion.<AdapterVersion>find("tenant = ?1 and jobId = ?2", tenant, jobId)
        .firstResult();
  }

  private Uni<AdapterVersion> assign(
      EventEnvelope<AdapterTrained> event, Map<String, AdapterArtifacts.FileInfo> files) {
    AdapterTrained a = event.data();
    String key = Adapter.key(a.tenant(), a.adapterName());
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    return Panache.getSession()
        .flatMap(
            s ->
                s.createNativeQuery(
                        "INSERT INTO reg_adapter (id, tenant, name, latest_version, created_at, updated_at)"
                            + " VALUES (:id, :tenant, :name, 0, now(), now()) ON CONFLICT (id) DO NOTHING")
                    .setParameter("id", key)
                    .setParameter("tenant", a.tenant())
                    .setParameter("name", a.adapterName())
                    .executeUpdate())
        .flatMap(n -> Adapter.<Adapter>findById(key, LockModeType.PESSIMISTIC_WRITE))
        .flatMap(
            adapter ->
                byJob(a.tenant(), a.jobId())
                    .flatMap(
                        again -> {
                          if (again != null) {
                            return Uni.createFrom().item(again);
                          }
                          adapter.latestVersion += 1;
                          adapter.updatedAt = now;
                          var v = new AdapterVersion();
                          v.tenant = a.tenant();
                          v.name = a.adapterName();
                          v.version = adapter.latestVersion;
                          v.jobId = a.jobId();
                          v.digest = a.adapterDigest();
                          v.uri = a.adapterUri();
                          v.createdAt = now;
                          v.lineage = json(lineage(a, now));
                          v.metrics = json(a.metrics() == null ? Map.of() : a.metrics());
                          v.files = json(files);
                          meters
                              .counter("cura.registry.versions", "outcome", "created")
                              .increment();
                          LOG.infof(
                              "job %s: registered %s:%d (%s)",
                              a.jobId(), v.name, v.version, v.digest);
                          return v.<AdapterVersion>persist();
                        }));
  }

  private static Map<String, Object> lineage(AdapterTrained a, Instant created) {
    Lineage l = a.lineage();
    var m = new LinkedHashMap<String, Object>();
    m.put("job_id", a.jobId());
    m.put("base_model", l.baseModel());
    m.put("quantized_artifact_digest", l.quantizedArtifactDigest());
    m.put("datasets", l.datasets());
    var hp = new LinkedHashMap<String, Object>();
    hp.put("lora", l.lora());
    hp.put("quantization", l.quantization());
    hp.put("optimizer", l.optimizer());
    hp.put("training", l.training());
    m.put("hyperparameters", hp);
    m.put("metrics", a.metrics());
    m.put("code_version", l.codeVersion());
    m.put("adapter_digest", a.adapterDigest());
    m.put("created_at", created.toString());
    return m;
  }

  static String json(Object o) {
    return Json.write(JSON, o);
  }
}
