package dev.cura.quantizer;

import dev.cura.events.CancelRequested;
import dev.cura.events.CuraEvent;
import dev.cura.events.EncodedEvent;
import dev.cura.events.EventCodec;
import dev.cura.events.EventDecodingException;
import dev.cura.events.EventEnvelope;
import dev.cura.events.FineTuneRequested;
import dev.cura.events.Topics;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.logging.Logger;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Kafka wiring (thin): decodes {@code cura.job.requested} and {@code cura.job.cancel} records,
 * hands requests to {@link QuantizationJobs} (which works on its own worker pool, never on this
 * event-loop thread), publishes the outcome, and acknowledges the record once the outcome is on the
 * broker (at-least-once). Records that are not valid CURA events go to {@code cura.dlq.quantizer}
 * with the error in headers. Redeliveries of an event already handled are dropped by event id.
 */
@ApplicationScoped
public class JobEventHandler {
  static final String SOURCE = "/cura/quantizer";
  private static final Logger LOG = Logger.getLogger(JobEventHandler.class.getName());

  private final EventCodec codec = new EventCodec();
  private final Set<String> handled =
      Collections.newSetFromMap(
          Collections.synchronizedMap(
              new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
                  return size() > 100_000;
                }
              }));

  @Inject QuantizationJobs jobs;

  @Inject
  @Channel("checkpoint-quantized")
  MutinyEmitter<byte[]> quantized;

  @Inject
  @Channel("job-failed")
  MutinyEmitter<byte[]> failed;

  @Inject
  @Channel("dlq")
  MutinyEmitter<byte[]> dlq;

  @Incoming("job-requested")
  public CompletionStage<Void> onRequested(Message<byte[]> msg) {
    EventEnvelope<CuraEvent> env;
    try {
      env = codec.decodeBytes(headers(msg), msg.getPayload());
    } catch (EventDecodingException e) {
      return deadLetter(msg, e.getMessage()).thenCompose(x -> msg.ack());
    }
    if (!(env.data() instanceof FineTuneRequested req)) {
      return deadLetter(
              msg,
              "expected FineTuneRequested on "
                  + Topics.JOB_REQUESTED
                  + ", got "
                  + env.type().ceType())
          .thenCompose(x -> msg.ack());
    }
    if (!handled.add(env.id())) {
      LOG.info("event " + env.id() + " (job " + req.jobId() + ") already handled; skipped");
      return msg.ack();
    }
    return jobs.submit(req).thenCompose(this::publish).thenCompose(x -> msg.ack());
  }

  @Incoming("job-cancel")
  public CompletionStage<Void> onCancel(Message<byte[]> msg) {
    try {
      EventEnvelope<CuraEvent> env = codec.decodeBytes(headers(msg), msg.getPayload());
      if (env.data() instanceof CancelRequested c) {
        jobs.cancel(c.jobId());
        return msg.ack();
      }
      return deadLetter(msg, "expected CancelRequested, got " + env.type().ceType())
          .thenCompose(x -> msg.ack());
    } catch (EventDecodingException e) {
      return deadLetter(msg, e.getMessage()).thenCompose(x -> msg.ack());
    }
  }

  private CompletionStage<Void> publish(QuantizeOutcome outcome) {
    return switch (outcome) {
      case QuantizeOutcome.Quantized q ->
          send(quantized, codec.encode(EventEnvelope.create(SOURCE, q.event())));
      case QuantizeOutcome.Failed f ->
          send(failed, codec.encode(EventEnvelope.create(SOURCE, f.event())));
      case QuantizeOutcome.Cancelled c -> {
        LOG.info("job " + c.jobId() + " cancelled; no artifact announced");
        yield CompletableFuture.completedFuture(null);
      }
    };
  }

  private static CompletionStage<Void> send(MutinyEmitter<byte[]> emitter, EncodedEvent e) {
    RecordHeaders h = new RecordHeaders();
    e.headerBytes().forEach(h::add);
    OutgoingKafkaRecordMetadata<String> meta =
        OutgoingKafkaRecordMetadata.<String>builder().withKey(e.key()).withHeaders(h).build();
    return emitter
        .sendMessage(Message.of(e.value()).addMetadata(meta))
        .subscribeAsCompletionStage();
  }

  private CompletionStage<Void> deadLetter(Message<byte[]> msg, String error) {
    LOG.warning("dead-lettering a record: " + error);
    RecordHeaders h = new RecordHeaders();
    headers(msg).forEach(h::add);
    h.add("cura-dlq-error", error.getBytes(StandardCharsets.UTF_8));
    h.add("cura-dlq-source", SOURCE.getBytes(StandardCharsets.UTF_8));
    var in = msg.getMetadata(IncomingKafkaRecordMetadata.class);
    in.ifPresent(
        m ->
            h.add("cura-dlq-topic", String.valueOf(m.getTopic()).getBytes(StandardCharsets.UTF_8)));
    var b = OutgoingKafkaRecordMetadata.<String>builder().withHeaders(h);
    in.ifPresent(m -> b.withKey(m.getKey() == null ? null : m.getKey().toString()));
    byte[] payload = msg.getPayload() == null ? new byte[0] : msg.getPayload();
    return dlq.sendMessage(Message.of(payload).addMetadata(b.build())).subscribeAsCompletionStage();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, byte[]> headers(Message<byte[]> msg) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    msg.getMetadata(IncomingKafkaRecordMetadata.class)
        .ifPresent(
            m -> {
              for (Header h : m.getHeaders()) {
                out.put(h.key(), h.value());
              }
            });
    return out;
  }
}
