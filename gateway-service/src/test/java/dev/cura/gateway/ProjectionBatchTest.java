package dev.cura.gateway;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.events.CheckpointSaved;
import dev.cura.events.CuraEvent;
import dev.cura.events.EncodedEvent;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.Topics;
import dev.cura.events.TrainingProgress;
import dev.cura.gateway.jobs.JobProjection;
import dev.cura.messaging.KafkaEvents;
import dev.cura.testinfra.KafkaPostgresTestResource;
import dev.cura.testinfra.SampleEvents;
import dev.cura.testinfra.TestApi;
import dev.cura.testinfra.TestKafka;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.Test;

/**
 * The projection consumes a poll's records as one batch ({@link JobEventsConsumer}): a batch with a
 * record that cannot be decoded and a decodable one the projection cannot handle dead-letters
 * exactly those two, each with its reason, and projects every other record of the batch, in order;
 * a batch of events of one job that does not exist yet (progress, a checkpoint, then its request)
 * is projected as a batch.
 *
 * <p>The poison the projection cannot handle: a progress event whose ETA lies past the end of time
 * ({@code etaSeconds = Long.MAX_VALUE}: the job's estimated finish overflows, a permanent failure).
 */
@QuarkusTest
@WithTestResource(KafkaPostgresTestResource.class)
class ProjectionBatchTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final EventCodec CODEC = new EventCodec();

  @Inject JobEventsConsumer consumer;
  @Inject JobProjection projection;
  @Inject Pool pool;

  @Test
  void aBatchWithPoisonDeadLettersExactlyThePoisonAndProjectsTheRest() throws Throwable {
    String job = "ftjob-batch-" + UUID.randomUUID();
    String doomed = "ftjob-batch-poison-" + UUID.randomUUID();
    var batch = new FakeBatch();
    batch.add(upstream(progress(job, 1, null)));
    batch.add(upstream(progress(doomed, 1, Long.MAX_VALUE)));
    batch.add(upstream(new CheckpointSaved(job, 1, SampleEvents.SHA_A, null)));
    EncodedEvent garbage = upstream(progress(job, 2, null));
    batch.add(
        new EncodedEvent(
            garbage.topic(),
            garbage.key(),
            garbage.headers(),
            "{oops".getBytes(StandardCharsets.UTF_8)));
    batch.add(upstream(progress(job, 2, null)));
    batch.add(upstream(SampleEvents.fineTuneRequested(job)));

    VertxContextSupport.subscribeAndAwait(() -> consumer.onBatch(batch.message()));

    assertEquals(1, batch.acks.get(), "the batch is acked once");
    assertEquals(Map.of(1, KafkaEvents.HANDLER_ERROR, 3, "malformed_json"), batch.deadLettered);
    awaitRunning(job, 2);
    assertPage(job, "checkpoints", "data[0].step_number", 1);
  }

  /**
   * The general path within one transaction: the second event finds the row the first made, and the
   * gateway's own request of a job the API did not write takes the general path too.
   */
  @Test
  void eventsOfAJobNotYetKnownAreProjectedAsOneBatch() throws Throwable {
    String job = "ftjob-batch-early-" + UUID.randomUUID();
    String own = "ftjob-batch-own-" + UUID.randomUUID();
    List<EventEnvelope<CuraEvent>> events =
        List.of(
            EventEnvelope.create("/upstream/test", progress(job, 1, 30L)),
            EventEnvelope.create(
                "/upstream/test", new CheckpointSaved(job, 1, SampleEvents.SHA_A, null)),
            EventEnvelope.create("/cura/gateway", SampleEvents.fineTuneRequested(own)),
            EventEnvelope.create("/upstream/test", progress(job, 2, 20L)),
            EventEnvelope.create("/upstream/test", SampleEvents.fineTuneRequested(job)));

    VertxContextSupport.subscribeAndAwait(() -> projection.projectAll(events));
    // a second time changes nothing (the inbox)
    VertxContextSupport.subscribeAndAwait(() -> projection.projectAll(events));

    awaitRunning(job, 2);
    GatewayApiTest.awaitJob(own, r -> r.statusCode(200).body("stage", equalTo("quantizing")));
    // the request's "received" entry, two metrics entries and the checkpoint
    assertPage(job, "events?limit=100", "data.size()", 4);
  }

  /**
   * The gateway's own request of a job the API wrote (here without an outbox row, so the relay does
   * not move it first) moves it to quantizing with one log entry; the same request again, and the
   * request of a job that has moved on, change nothing. No inbox row is written for them: the
   * status rule alone makes them idempotent.
   */
  @Test
  void ownRequestsOfJobsTheApiWroteMoveThemOnceWithoutInboxRows() throws Throwable {
    String queued = "ftjob-batch-api-" + UUID.randomUUID();
    String cancelled = "ftjob-batch-api-cancelled-" + UUID.randomUUID();
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    JobRows.insert(pool, queued, "queued", now);
    JobRows.insert(pool, cancelled, "cancelled", now);
    List<EventEnvelope<CuraEvent>> events =
        List.of(
            EventEnvelope.create("/cura/gateway", SampleEvents.fineTuneRequested(queued)),
            EventEnvelope.create("/cura/gateway", SampleEvents.fineTuneRequested(cancelled)));

    VertxContextSupport.subscribeAndAwait(() -> projection.projectAll(events));
    VertxContextSupport.subscribeAndAwait(() -> projection.projectAll(events));
    VertxContextSupport.subscribeAndAwait(() -> projection.project(events.get(0)));

    assertEquals("quantizing", single("SELECT status FROM gw_job WHERE id = $1", queued));
    assertEquals("cancelled", single("SELECT status FROM gw_job WHERE id = $1", cancelled));
    assertEquals(
        "1",
        single(
            "SELECT count(*)::text FROM gw_job_event WHERE job_id = $1"
                + " AND message = 'Job is queued for the quantizer (base cura-tiny)'",
            queued));
    assertEquals(
        "0", single("SELECT count(*)::text FROM gw_job_event WHERE job_id = $1", cancelled));
    assertEquals(
        "0",
        single(
            "SELECT count(*)::text FROM gw_processed_event WHERE event_id = $1",
            events.get(0).id()));
  }

  private String single(String sql, String param) {
    return pool.preparedQuery(sql)
        .execute(Tuple.of(param))
        .await()
        .atMost(WAIT)
        .iterator()
        .next()
        .getString(0);
  }

  /** The same through the broker, the records sent at once so that they share polls. */
  @Test
  void poisonAmongManyRecordsOnTheBrokerIsTheOnlyDeadLetter() {
    String doomed = "ftjob-burst-poison-" + UUID.randomUUID();
    var jobs = new ArrayList<String>();
    var records = new ArrayList<EncodedEvent>();
    for (int i = 0; i < 20; i++) {
      String job = "ftjob-burst-" + i + "-" + UUID.randomUUID();
      jobs.add(job);
      records.add(upstream(progress(job, 5, 10L)));
      if (i == 10) {
        records.add(upstream(progress(doomed, 1, Long.MAX_VALUE)));
      }
    }
    jobs.forEach(job -> records.add(upstream(SampleEvents.fineTuneRequested(job))));
    sendAtOnce(records);

    jobs.forEach(job -> awaitRunning(job, 5));
    var dead = TestKafka.await(Topics.dlq("gateway"), r -> doomed.equals(r.key()), 1, WAIT);
    assertEquals(KafkaEvents.HANDLER_ERROR, TestKafka.headers(dead.get(0)).get("cura-error-code"));
    assertEquals(
        List.of(),
        TestKafka.readToEnd(Topics.dlq("gateway"), r -> jobs.contains(r.key())).stream()
            .map(r -> r.key())
            .toList(),
        "nothing else dead-lettered");
  }

  /** Waits until {@code job} is visible (claimed by its request), running, at {@code steps}. */
  private static void awaitRunning(String job, int steps) {
    GatewayApiTest.awaitJob(
        job,
        r ->
            r.statusCode(200)
                .body("status", equalTo("running"))
                .body("trained_steps", equalTo(steps))
                .body("organization_id", equalTo("default")));
  }

  private static void assertPage(String job, String page, String path, Object value) {
    TestApi.as(TestApi.ADMIN)
        .get("/v1/fine_tuning/jobs/" + job + "/" + page)
        .then()
        .statusCode(200)
        .body(path, equalTo(value));
  }

  private static TrainingProgress progress(String job, long step, Long etaSeconds) {
    return new TrainingProgress(job, step, 0.1, 2.0, 1e-4, 100, 1 << 20, 10L, etaSeconds);
  }

  private static EncodedEvent upstream(CuraEvent e) {
    return CODEC.encode(EventEnvelope.create("/upstream/test", e));
  }

  private static void sendAtOnce(List<EncodedEvent> records) {
    Map<String, Object> cfg =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.LINGER_MS_CONFIG, 50,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (var producer = new KafkaProducer<String, byte[]>(cfg)) {
      for (EncodedEvent e : records) {
        var record = new ProducerRecord<>(e.topic(), e.key(), e.value());
        e.headerBytes().forEach(record.headers()::add);
        producer.send(record);
      }
      producer.flush();
    }
  }

  /**
   * A batch as the connector hands one over, its records' acks and dead letters recorded (by the
   * record's position: its {@code cura-error-code}).
   */
  private static final class FakeBatch {
    final List<Message<?>> records = new ArrayList<>();
    final AtomicInteger acks = new AtomicInteger();
    final Map<Integer, String> deadLettered = new ConcurrentHashMap<>();

    void add(EncodedEvent e) {
      int position = records.size();
      var headers = new RecordHeaders();
      e.headerBytes().forEach(headers::add);
      var record =
          new ConsumerRecord<>(
              e.topic(),
              0,
              position,
              System.currentTimeMillis(),
              TimestampType.CREATE_TIME,
              -1,
              -1,
              e.key(),
              e.value(),
              headers,
              Optional.empty());
      records.add(
          Message.of(
              e.value(),
              Metadata.of(new IncomingKafkaRecordMetadata<>(record, "job-events")),
              metadata -> {
                throw new AssertionError("record " + position + " acked on its own");
              },
              (reason, metadata) -> {
                var out =
                    metadata.get(OutgoingKafkaRecordMetadata.class).orElseThrow().getHeaders();
                var code = out.lastHeader(KafkaEvents.ERROR_CODE);
                assertNull(
                    deadLettered.put(position, new String(code.value(), StandardCharsets.UTF_8)),
                    "dead-lettered once");
                return CompletableFuture.completedFuture(null);
              }));
    }

    Message<List<byte[]>> message() {
      var payloads = new ArrayList<byte[]>();
      records.forEach(m -> payloads.add((byte[]) m.getPayload()));
      assertTrue(records.size() > 1);
      return Message.of(
          payloads,
          Metadata.of(
              new IncomingKafkaRecordBatchMetadata<>(
                  ConsumerRecords.<String, byte[]>empty(), records, "job-events", 0, Map.of(), -1)),
          metadata -> {
            acks.incrementAndGet();
            return CompletableFuture.completedFuture(null);
          },
          (reason, metadata) -> {
            throw new AssertionError("the batch nacked: " + reason);
          });
    }
  }
}
