package dev.cura.messaging;

import dev.cura.events.CancelRequested;
import dev.cura.events.CuraEvent;
import dev.cura.events.EncodedEvent;
import dev.cura.events.EventCodec;
import dev.cura.events.EventDecodingException;
import dev.cura.events.EventEnvelope;
import dev.cura.events.EventHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * Adapts Kafka records to the cura-events codec (cura-events itself knows no Kafka). The one copy
 * all four services share (a CDI bean from this jar); see docs/services.md.
 *
 * <p>Consuming: {@link #handle} decodes a record strictly. A record that is not a valid event of
 * the expected type is nacked with {@value #ERROR_CODE} / {@value #ERROR_FIELD} headers; the
 * channel's {@code failure-strategy=dead-letter-queue} then writes it, with SmallRye's {@code
 * dead-letter-reason} header (the message) and the original headers, to {@code cura.dlq.<service>},
 * and the channel goes on with the next record. A handler that refuses a decoded event throws
 * {@link EventDecodingException} (e.g. {@code invalid_reference}, {@code foreign_job}); it is
 * dead-lettered with that code and field. Any other handler failure is dead-lettered the same way
 * with code {@code handler_error}.
 *
 * <p>Publishing: {@link #message} turns an event into a record with key = job id and the
 * CloudEvents headers.
 */
@ApplicationScoped
public class KafkaEvents {
  /** DLQ header: the {@link EventDecodingException.Reason} code, or {@code handler_error}. */
  public static final String ERROR_CODE = "cura-error-code";

  /** DLQ header: the header name or JSON path at fault, when known. */
  public static final String ERROR_FIELD = "cura-error-field";

  private static final Logger LOG = Logger.getLogger(KafkaEvents.class);

  private final EventCodec codec = new EventCodec();
  private final MeterRegistry meters;
  private final String source;
  private final Counter deadLettered;

  KafkaEvents(MeterRegistry meters, @ConfigProperty(name = "cura.service") String service) {
    this.meters = meters;
    this.source = "/cura/" + service;
    // cura_events_dlq_total{service} (deploy/metrics-catalog.txt), exported from the start
    this.deadLettered =
        Counter.builder("cura.events.dlq")
            .description("records written to this service's dead-letter topic")
            .tag("service", service)
            .register(meters);
  }

  /**
   * CloudEvents {@code source} of the events this service publishes, e.g. {@code /cura/quantizer}.
   */
  public String source() {
    return source;
  }

  /**
   * Decodes {@code message} as an event of {@code type} and runs {@code handler} on it; acks the
   * record when the handler's Uni succeeds, dead-letters it otherwise.
   *
   * @param type the event record this channel carries ({@code CuraEvent.class} for any)
   * @param handler the domain work; runs on the caller's (Vert.x) context, so Hibernate Reactive
   *     works inside it; blocking work must move to a worker ({@code
   *     Uni.createFrom().item(...).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())})
   * @return completes when the record is acked or dead-lettered
   */
  public <E extends CuraEvent> Uni<Void> handle(
      Message<byte[]> message, Class<E> type, Function<EventEnvelope<E>, Uni<Void>> handler) {
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
      Message<byte[]> message, Class<E> type, Function<EventEnvelope<E>, Uni<Boolean>> handler) {
    EventEnvelope<E> envelope;
    try {
      envelope = codec.decode(headersOf(message), message.getPayload(), type);
    } catch (EventDecodingException e) {
      LOG.warnf("dead-lettering %s: %s [%s]", describe(message), e.getMessage(), e.code());
      count("cura.events.consumed", "invalid", "dead_letter");
      deadLettered.increment();
      return deadLetter(message, e, e.code(), e.field());
    }
    String name = envelope.type().eventName();
    return Uni.createFrom()
        .deferred(() -> handler.apply(envelope))
        .onItem()
        .transformToUni(
            ack -> {
              if (!Boolean.TRUE.equals(ack)) {
                count("cura.events.consumed", name, "left");
                return Uni.createFrom().voidItem();
              }
              count("cura.events.consumed", name, "ok");
              return Uni.createFrom().completionStage(message.ack());
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
              LOG.errorf(t, "handler failed on %s %s, dead-lettering it", name, describe(message));
              count("cura.events.consumed", name, "failed");
              deadLettered.increment();
              return deadLetter(message, t, "handler_error", null);
            });
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

  private static Uni<Void> deadLetter(
      Message<byte[]> message, Throwable cause, String code, String field) {
    var headers = new RecordHeaders().add(ERROR_CODE, code.getBytes(StandardCharsets.UTF_8));
    if (field != null) {
      headers.add(ERROR_FIELD, field.getBytes(StandardCharsets.UTF_8));
    }
    var metadata = OutgoingKafkaRecordMetadata.builder().withHeaders(headers).build();
    return Uni.createFrom().completionStage(message.nack(cause, Metadata.of(metadata)));
  }

  private static Map<String, String> headersOf(Message<byte[]> message) {
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

  private static String describe(Message<byte[]> message) {
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
                    + headerOrNone(m, EventHeaders.TYPE))
        .orElse("record");
  }

  private static String headerOrNone(IncomingKafkaRecordMetadata<?, ?> m, String name) {
    Header h = m.getHeaders().lastHeader(name);
    return h == null || h.value() == null ? "-" : new String(h.value(), StandardCharsets.UTF_8);
  }

  private void count(String meter, String type, String outcome) {
    meters.counter(meter, "type", type, "outcome", outcome).increment();
  }
}
