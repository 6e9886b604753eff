package dev.cura.cli.gateway;

import dev.cura.cli.client.KafkaClients;
import dev.cura.events.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The ceiling the broker puts on durable submissions: records per second an idempotent producer
 * with {@code acks=all} (the gateway's settings) gets acknowledged, each a copy of a real {@code
 * FineTuneRequested} record from the run (same size and headers) under a fresh job-id key, with up
 * to {@value #WINDOW} unacknowledged (the outbox relay's batch is 500), into a topic of as many
 * partitions as {@code cura.job.requested}.
 */
final class KafkaProduceRate {
  static final String TOPIC = "cura.bench.produce";
  static final int WINDOW = 1000;

  record Result(double perSecond, long failed, int valueBytes) {}

  private KafkaProduceRate() {}

  static Result measure(String bootstrap, Duration duration) throws Exception {
    ConsumerRecord<String, byte[]> sample = sample(bootstrap);
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      int partitions =
          admin
              .describeTopics(List.of(Topics.JOB_REQUESTED))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS)
              .get(Topics.JOB_REQUESTED)
              .partitions()
              .size();
      admin
          .createTopics(List.of(new NewTopic(TOPIC, partitions, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    var acked = new AtomicLong();
    var failed = new AtomicLong();
    var window = new Semaphore(WINDOW);
    try (var producer = new KafkaProducer<String, byte[]>(KafkaClients.producer(bootstrap))) {
      // one record first: metadata and the producer id are fetched outside the timed part
      producer.send(record(sample)).get(30, TimeUnit.SECONDS);
      long t0 = System.nanoTime();
      long end = t0 + duration.toNanos();
      while (System.nanoTime() < end) {
        window.acquire();
        producer.send(
            record(sample),
            (meta, e) -> {
              (e == null ? acked : failed).incrementAndGet();
              window.release();
            });
      }
      producer.flush();
      double seconds = (System.nanoTime() - t0) / 1e9;
      return new Result(acked.get() / seconds, failed.get(), sample.value().length);
    }
  }

  private static ProducerRecord<String, byte[]> record(ConsumerRecord<String, byte[]> sample) {
    String key = "ftjob-" + UUID.randomUUID().toString().replace("-", "");
    return new ProducerRecord<>(TOPIC, null, key, sample.value(), sample.headers());
  }

  /** One record of {@code cura.job.requested} (the bench's submissions put them there). */
  private static ConsumerRecord<String, byte[]> sample(String bootstrap)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<String, Object> cfg = KafkaClients.reader(bootstrap, null);
    cfg.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
    try (var consumer = new KafkaConsumer<String, byte[]>(cfg)) {
      var parts =
          consumer.partitionsFor(Topics.JOB_REQUESTED, Duration.ofSeconds(10)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        for (var r : consumer.poll(Duration.ofMillis(200))) {
          return r;
        }
      }
      throw new TimeoutException("no record on " + Topics.JOB_REQUESTED + " to copy");
    }
  }
}
