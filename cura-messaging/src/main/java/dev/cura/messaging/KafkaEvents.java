package dev.cura.messaging;

import dev.cura.events.CancelRequested;
import dev.cura.events.CuraEvent;
import dev.cura.events.EncodedEvent;
import dev.cura.events.EventCodec;
import dev.cura.events.EventDecodingException;
import dev.cura.events.EventEnvelope;
import dev.cura.events.EventHeaders;
import dev.cura.events.EventType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * Adapts Kafka records to the cura-events codec (cura-events itself knows no Kafka). The one copy
 * all four services share (a CDI bean from this jar); see docs/services.md.
 *
 * <p>Consuming: {@link #handle} decodes a record strictly, in either content mode of the
 * CloudEvents Kafka binding (binary {@code ce_*} headers, or a structured {@code
 * application/cloudevents+json} envelope as the value), and checks that the key, when set, is the
 * job id. No record can stop a channel:
 *
 * <ul>
 *   <li>a record that is not a valid event of the expected type (undecodable, wrong payload type,
 *       key ≠ job id, unknown type or version, anything the decoder throws) is nacked at once with
 *       {@value #ERROR_CODE} / {@value #ERROR_FIELD} headers; the channel's {@code
 *       failure-strategy=dead-letter-queue} writes it, with SmallRye's {@code dead-letter-reason}
 *       header (the message) and the original headers, to {@code cura.dlq.<service>}, and the
 *       channel goes on with the next record;
 *   <li>a handler failure caused by a dependency (PostgreSQL unreachable, a broker timeout, a full
 *       disk: anything but the {@link #isPermanent permanent} kinds) is retried with exponential
 *       backoff by a SmallRye Fault Tolerance guard, for at most {@code
 *       cura.messaging.retry.max-duration}; only then, or at once for a permanent failure, is the
 *       record dead-lettered with code {@code handler_error}. Retrying in place keeps the
 *       partition's order (a job's events stay ordered).
 * </ul>
 *
 * <p>A channel consumed in batches uses {@link #handleBatch}: the same guarantees per record, the
 * valid events of a batch handled together.
 *
 * <p>A handler that refuses a decoded event throws {@link EventDecodingException} (e.g. {@code
 * invalid_reference}, {@code foreign_job}): it is dead-lettered at once with that code and field,
 * like an undecodable record.
 *
 * <p>Publishing: {@link #message} turns an event into a record with key = job id and the
 * CloudEvents headers (binary mode).
 */
// created at start-up, not on the first record: its counters are exported from the start
@Startup
@ApplicationScoped
public class KafkaEvents {
  /** DLQ header: the {@link EventDecodingException.Reason} code, or {@code handler_error}. */
  public static final String ERROR_CODE = "cura-error-code";

  /** DLQ header: the header name or JSON path at fault, when known. */
  public static final String ERROR_FIELD = "cura-error-field";

  /** DLQ header: the consumer channel's service, e.g. {@code gateway}. */
  public static final String ERROR_SERVICE = "cura-error-service";

  /** Error code of a record whose payload is not bytes (a misconfigured deserializer). */
  public static final String WRONG_PAYLOAD_TYPE = "wrong_payload_type";

  /** Error code of a record the decoder failed on in an unforeseen way. */
  public static final String UNDECODABLE = "undecodable";

  /** Error code of a handler that failed permanently or past its retries. */
  public static final String HANDLER_ERROR = "handler_error";

  private static final Logger LOG = Logger.getLogger(KafkaEvents.class);

  private final EventCodec codec = new EventCodec();
  private final MeterRegistry meters;
  private final String service;
  private final String source;
  private final Counter deadLettered;
  private final Counter retried;
  private final TypedGuard<Uni<Boolean>> guard;

  KafkaEvents(
      MeterRegistry meters,
      @ConfigProperty(name = "cura.service") String service,
      @ConfigProperty(name = "cura.messaging.retry.max-duration", defaultValue = "PT2M")
          Duration retryFor,
      @ConfigProperty(name = "cura.messaging.retry.initial-delay", defaultValue = "PT0.25S")
          Duration firstDelay,
      @ConfigProperty(name = "cura.messaging.retry.max-delay", defaultValue = "PT10S")
          Duration maxDelay) {
    this.meters = meters;
    this.service = service;
    this.source = "/cura/" + service;
    // cura_events_dlq_total{service} (deploy/metrics-catalog.txt), exported from the start
    this.deadLettered =
        Counter.builder("cura.events.dlq")
            .description("records written to this service's dead-letter topic")
            .tag("service", service)
            .register(meters);
    this.retried =
        Counter.builder("cura.events.retries")
            .description("handler attempts retried after a dependency failure")
            .tag("service", service)
            .register(meters);
    this.guard =
        TypedGuard.create(new TypeLiteral<Uni<Boolean>>() {})
            .withDescription("cura-" + service + "-handler")
            .withRetry()
            .maxRetries(-1)
            .maxDuration(retryFor.toMillis(), ChronoUnit.MILLIS)
            .delay(firstDelay.toMillis(), ChronoUnit.MILLIS)
            .jitter(firstDelay.toMillis() / 4, ChronoUnit.MILLIS)
            .whenException(t -> !isPermanent(t))
            .beforeRetry(
                (Throwable t) -> {
                  retried.increment();
                  LOG.warnf("handler failed (%s); retrying with backoff", rootMessage(t));
                })
            .withExponentialBackoff()
            .factor(2)
            .maxDelay(maxDelay.toMillis(), ChronoUnit.MILLIS)
            .done()
            .done()
            .build();
  }

  /**
   * CloudEvents {@code source} of the events this service publishes, e.g. {@code /cura/quantizer}.
   */
  public String source() {
    return source;
  }

  /**
   * True for a failure that no retry can cure: the record itself is wrong, or the code is. Any
   * other failure (IO, SQL, timeouts, connection errors) is taken for a dependency's and retried.
   */
  public static boolean isPermanent(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof EventDecodingException
          || c instanceof IllegalArgumentException
          || c instanceof ClassCastException
          || c instanceof NullPointerException
          || c instanceof IndexOutOfBoundsException
          || c instanceof UnsupportedOperationException
          || c instanceof ArithmeticException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Decodes {@code message} as an event of {@code type} and runs {@code handler} on it; acks the
   * record when the handler's Uni succeeds, dead-letters it otherwise (see the class comment).
   *
   * @param type the event record this channel carries ({@code CuraEvent.class} for any)
   * @param handler the domain work; runs on the caller's (Vert.x) context, so Hibernate Reactive
   *     works inside it; blocking work must move to a worker ({@code
   *     Uni.createFrom().item(...).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())}). It
   *     may be called again after a dependency failure, so it must be idempotent (as every handler
   *     is: delivery is at-least-once).
   * @return completes when the record is acked or dead-lettered
   */
  public <E extends CuraEvent> Uni<Void> handle(
      Message<?> message, Class<E> type, Function<EventEnvelope<E>, Uni<Void>> handler) {
    return handleThenAckIf(message, type, e -> handler.apply(e).replaceWith(Boolean.TRUE));
  }

  /** Which tenant owns a job id (empty when no tenant has used it yet); may read a file. */
  @FunctionalInterface
  public interface JobOwnerLookup {
    Optional<String> ownerOf(String jobId) throws IOException;
  }

  /**
   * Handles a {@code cura.job.cancel} record: a cancel that names a tenant other than the one that
   * owns the job ({@code owners}) is dead-lettered ({@code foreign_job}); otherwise it is logged
   * and the job's id handed to {@code cancel} (which must not block). The ownership lookup runs on
   * a worker thread. A record that is not a {@code CancelRequested} goes to the DLQ.
   */
  public Uni<Void> handleCancel(
      Message<byte[]> message, JobOwnerLookup owners, Consumer<String> cancel) {
    return handle(
        message,
        CancelRequested.class,
        e ->
            Uni.createFrom()
                .item(
                    () -> {
                      CancelRequested c = e.data();
                      Optional<String> owner;
                      try {
                        owner = owners.ownerOf(c.jobId());
                      } catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                      }
                      if (c.tenant() != null
                          && owner.isPresent()
                          && !owner.get().equals(c.tenant())) {
                        throw EventDecodingException.foreignJob(c.jobId());
                      }
                      LOG.infof("job %s: cancel requested", c.jobId());
                      cancel.accept(c.jobId());
                      return c;
                    })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .replaceWithVoid());
  }

  /**
   * {@link #handle} for a handler that may decline the acknowledgement: when its Uni yields false
   * the record is neither acked nor dead-lettered, so its offset stays uncommitted and the record
   * is delivered again to whoever owns the partition next (the trainer: a run stopped because its
   * partition moved to another instance).
   */
  public <E extends CuraEvent> Uni<Void> handleThenAckIf(
      Message<?> message, Class<E> type, Function<EventEnvelope<E>, Uni<Boolean>> handler) {
    Decoded<E> d = decodeOrReject(message, type);
    if (d.event() == null) {
      return d.rejected();
    }
    return attempt(
        message, d.event(), handler, () -> Uni.createFrom().completionStage(message.ack()));
  }

  /**
   * {@link #handle} for a channel consumed in batches ({@code
   * mp.messaging.incoming.<channel>.batch=true}, the method taking a {@code Message<List<...>>}):
   * the records of one poll are decoded, each record that is not a valid event is dead-lettered
   * alone (as by {@link #handle}), and the valid events go to {@code batchHandler} together, in the
   * batch's order — one call, e.g. one database transaction, for the lot.
   *
   * <p>When {@code batchHandler} fails (for any reason: one event it cannot handle, a dependency
   * away), nothing is dead-lettered for it: every event of the batch is then handled on its own by
   * {@code handler}, in order, exactly as {@link #handle} does (retries with backoff for a
   * dependency failure, the dead-letter topic for a record that fails permanently or past its
   * retries), so one bad record costs the batch its shortcut, never its other records. Both
   * handlers must therefore be idempotent, and {@code batchHandler} must leave nothing behind when
   * it fails (one transaction).
   *
   * <p>The batch is acknowledged once every record is handled or dead-lettered (the connector
   * commits the latest offset of each partition).
   *
   * @param batch a Kafka batch ({@code IncomingKafkaRecordBatchMetadata} names its records)
   * @param batchHandler handles the decoded events of a batch, in order, all or nothing
   * @param handler handles one event, as for {@link #handle}
   * @return completes when the batch is acked
   */
  public <E extends CuraEvent> Uni<Void> handleBatch(
      Message<?> batch,
      Class<E> type,
      Function<List<EventEnvelope<E>>, Uni<Void>> batchHandler,
      Function<EventEnvelope<E>, Uni<Void>> handler) {
    return handleBatch(batch, type, null, batchHandler, handler);
  }

  /**
   * {@link #handleBatch(Message, Class, Function, Function)} that first asks {@code settled} which
   * records need no handling at all, judged without decoding them (from their key and headers, e.g.
   * with one database query for the lot: events whose effect is already there, so that handling
   * them would change nothing). Those are neither decoded nor handled, only counted ({@code
   * cura.events.consumed}, outcome {@code settled}, the type their {@code ce_type} header names);
   * the others go on as usual. When {@code settled} fails, the batch fails (and is redelivered).
   *
   * @param settled per record of the batch, in order, true when it needs nothing; null: none does
   */
  public <E extends CuraEvent> Uni<Void> handleBatch(
      Message<?> batch,
      Class<E> type,
      Function<List<Message<?>>, Uni<boolean[]>> settled,
      Function<List<EventEnvelope<E>>, Uni<Void>> batchHandler,
      Function<EventEnvelope<E>, Uni<Void>> handler) {
    IncomingKafkaRecordBatchMetadata<?, ?> metadata =
        batch.getMetadata(IncomingKafkaRecordBatchMetadata.class).orElse(null);
    if (metadata == null) {
      return Uni.createFrom()
          .failure(
              new IllegalStateException(
                  "expected a Kafka batch (mp.messaging.incoming.<channel>.batch=true), got a "
                      + batch.getClass().getSimpleName()));
    }
    Context context = Vertx.currentContext();
    List<Message<?>> records = new ArrayList<>(metadata.getBatchedMessages());
    if (settled == null) {
      return handleRecords(batch, records, null, type, batchHandler, handler, context);
    }
    return settled
        .apply(records)
        .flatMap(
            skip ->
                on(
                    context,
                    () ->
                        handleRecords(batch, records, skip, type, batchHandler, handler, context)));
  }

  /** The records of a batch but the {@code skip}ped ones (none when null), as by handleBatch. */
  private <E extends CuraEvent> Uni<Void> handleRecords(
      Message<?> batch,
      List<Message<?>> records,
      boolean[] skip,
      Class<E> type,
      Function<List<EventEnvelope<E>>, Uni<Void>> batchHandler,
      Function<EventEnvelope<E>, Uni<Void>> handler,
      Context context) {
    var valid = new ArrayList<Decoded<E>>();
    var rejected = new ArrayList<Uni<Void>>();
    for (int i = 0; i < records.size(); i++) {
      Message<?> record = records.get(i);
      if (skip != null && skip[i]) {
        count("cura.events.consumed", eventName(record), "settled");
        continue;
      }
      Decoded<E> d = decodeOrReject(record, type);
      if (d.event() == null) {
        rejected.add(d.rejected());
      } else {
        valid.add(d);
      }
    }
    List<EventEnvelope<E>> events = valid.stream().map(Decoded::event).toList();
    Uni<Void> handled =
        events.isEmpty()
            ? Uni.createFrom().voidItem()
            : Uni.createFrom()
                .deferred(() -> batchHandler.apply(events))
                .invoke(
                    () ->
                        events.forEach(
                            e -> count("cura.events.consumed", e.type().eventName(), "ok")))
                .onFailure()
                .recoverWithUni(
                    t -> {
                      LOG.warnf(
                          "a batch of %d events failed (%s); handling them one by one",
                          events.size(), rootMessage(t));
                      return oneByOne(valid, handler, context);
                    });
    return handled
        .flatMap(
            x ->
                rejected.isEmpty()
                    ? Uni.createFrom().voidItem()
                    : Uni.join().all(rejected).andFailFast().replaceWithVoid())
        .flatMap(x -> Uni.createFrom().completionStage(batch.ack()));
  }

  /** The event name a record's {@code ce_type} header names, or {@code invalid}. */
  private static String eventName(Message<?> record) {
    return record
        .getMetadata(IncomingKafkaRecordMetadata.class)
        .map(m -> header(m.getHeaders(), EventHeaders.TYPE))
        .flatMap(EventType::fromCeType)
        .map(EventType::eventName)
        .orElse("invalid");
  }

  /** A header's last value as UTF-8 text, or null when the record has none (or a null value). */
  public static String header(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** The events of a failed batch, each on its own as by {@link #handle}, in order. */
  private <E extends CuraEvent> Uni<Void> oneByOne(
      List<Decoded<E>> records, Function<EventEnvelope<E>, Uni<Void>> handler, Context context) {
    // one after the other, iteratively; not acked one by one: the batch's ack commits past them
    return Multi.createFrom()
        .iterable(records)
        .onItem()
        .transformToUniAndConcatenate(
            d ->
                on(
                    context,
                    () ->
                        attempt(
                            d.message(),
                            d.event(),
                            e -> handler.apply(e).replaceWith(Boolean.TRUE),
                            () -> Uni.createFrom().voidItem())))
        .onItem()
        .ignoreAsUni();
  }

  /**
   * {@code work} started on the batch's Vert.x context (when it has one): the record before may
   * have ended on another one (a dead letter's send completes on the producer's), which Hibernate
   * Reactive refuses as not safe for a session.
   */
  private static <T> Uni<T> on(Context context, Supplier<Uni<T>> work) {
    Uni<T> uni = Uni.createFrom().deferred(() -> work.get());
    return context == null
        ? uni
        : uni.runSubscriptionOn(task -> context.runOnContext(x -> task.run()));
  }

  /** A record decoded: its event, or (event null) the Uni that dead-letters it. */
  private record Decoded<E extends CuraEvent>(
      Message<?> message, EventEnvelope<E> event, Uni<Void> rejected) {}

  /** Decodes {@code message}, or starts dead-lettering it when it is not a valid event. */
  private <E extends CuraEvent> Decoded<E> decodeOrReject(Message<?> message, Class<E> type) {
    Object payload = message.getPayload();
    if (payload != null && !(payload instanceof byte[])) {
      return new Decoded<>(
          message,
          null,
          reject(
              message,
              new IllegalArgumentException(
                  "expected the record value as bytes, got a "
                      + payload.getClass().getSimpleName()
                      + " (check the channel's value.deserializer and cloud-events settings)"),
              WRONG_PAYLOAD_TYPE,
              null));
    }
    try {
      return new Decoded<>(message, decode(message, type), null);
    } catch (EventDecodingException e) {
      return new Decoded<>(message, null, reject(message, e, e.code(), e.field()));
    } catch (RuntimeException e) {
      return new Decoded<>(message, null, reject(message, e, UNDECODABLE, null));
    }
  }

  /**
   * Runs {@code handler} on one decoded event with the retry guard; then {@code onHandled} when it
   * said to acknowledge, nothing when it declined, and the dead-letter topic when it failed.
   */
  private <E extends CuraEvent> Uni<Void> attempt(
      Message<?> message,
      EventEnvelope<E> envelope,
      Function<EventEnvelope<E>, Uni<Boolean>> handler,
      Supplier<Uni<Void>> onHandled) {
    String name = envelope.type().eventName();
    Uni<Boolean> attempts;
    try {
      attempts = guard.get(() -> Uni.createFrom().deferred(() -> handler.apply(envelope)));
    } catch (RuntimeException e) {
      attempts = Uni.createFrom().failure(e);
    }
    return attempts
        .onItem()
        .transformToUni(
            ack -> {
              if (!Boolean.TRUE.equals(ack)) {
                count("cura.events.consumed", name, "left");
                return Uni.createFrom().voidItem();
              }
              count("cura.events.consumed", name, "ok");
              return onHandled.get();
            })
        .onFailure()
        .recoverWithUni(
            t -> {
              if (t instanceof EventDecodingException e) {
                // the handler refused the record (a reference that is not allowed, a job id of
                // another tenant): a poison record like an undecodable one, with its reason
                LOG.warnf(
                    "dead-lettering %s %s: %s [%s]",
                    name, describe(message), e.getMessage(), e.code());
                count("cura.events.consumed", name, "dead_letter");
                deadLettered.increment();
                return deadLetter(message, e, e.code(), e.field());
              }
              LOG.errorf(
                  t,
                  "handler failed on %s %s (%s), dead-lettering it",
                  name,
                  describe(message),
                  isPermanent(t) ? "permanent" : "retries exhausted");
              count("cura.events.consumed", name, "failed");
              deadLettered.increment();
              return deadLetter(message, t, HANDLER_ERROR, null);
            });
  }

  private <E extends CuraEvent> EventEnvelope<E> decode(Message<?> message, Class<E> type) {
    Object key =
        message.getMetadata(IncomingKafkaRecordMetadata.class).map(m -> m.getKey()).orElse(null);
    return codec.decode(
        headersOf(message),
        (byte[]) message.getPayload(),
        key == null ? null : key.toString(),
        type);
  }

  private Uni<Void> reject(Message<?> message, RuntimeException e, String code, String field) {
    LOG.warnf("dead-lettering %s: %s [%s]", describe(message), e.getMessage(), code);
    count("cura.events.consumed", "invalid", "dead_letter");
    deadLettered.increment();
    return deadLetter(message, e, code, field);
  }

  /** A record for {@code event} with a new envelope (random id, now) from this service. */
  public Message<byte[]> message(CuraEvent event) {
    return message(EventEnvelope.create(source, event));
  }

  /** A record for {@code envelope}: key = job id, CloudEvents headers, JSON value. */
  public Message<byte[]> message(EventEnvelope<?> envelope) {
    EncodedEvent encoded = codec.encode(envelope);
    var headers = new RecordHeaders();
    encoded.headerBytes().forEach(headers::add);
    count("cura.events.published", envelope.type().eventName(), "ok");
    return Message.of(encoded.value())
        .addMetadata(
            OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(encoded.key())
                .withHeaders(headers)
                .build());
  }

  private Uni<Void> deadLetter(Message<?> message, Throwable cause, String code, String field) {
    var headers =
        new RecordHeaders()
            .add(ERROR_CODE, code.getBytes(StandardCharsets.UTF_8))
            .add(ERROR_SERVICE, service.getBytes(StandardCharsets.UTF_8));
    if (field != null) {
      headers.add(ERROR_FIELD, field.getBytes(StandardCharsets.UTF_8));
    }
    var metadata = OutgoingKafkaRecordMetadata.builder().withHeaders(headers).build();
    return Uni.createFrom().completionStage(message.nack(cause, Metadata.of(metadata)));
  }

  private static Map<String, String> headersOf(Message<?> message) {
    var out = new LinkedHashMap<String, String>();
    message
        .getMetadata(IncomingKafkaRecordMetadata.class)
        .ifPresent(
            m -> {
              for (Header h : m.getHeaders()) {
                out.put(
                    h.key(),
                    h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
              }
            });
    return out;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  private static String describe(Message<?> message) {
    return message
        .getMetadata(IncomingKafkaRecordMetadata.class)
        .map(
            m ->
                m.getTopic()
                    + "-"
                    + m.getPartition()
                    + "@"
                    + m.getOffset()
                    + " key="
                    + m.getKey()
                    + " type="
                    + Objects.requireNonNullElse(header(m.getHeaders(), EventHeaders.TYPE), "-"))
        .orElse("record");
  }

  private void count(String meter, String type, String outcome) {
    meters.counter(meter, "type", type, "outcome", outcome).increment();
  }
}
