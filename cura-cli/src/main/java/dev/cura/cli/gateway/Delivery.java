package dev.cura.cli.gateway;

import dev.cura.events.Topics;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * That every accepted submission reached Kafka: waits until the gateway's outbox is empty, then
 * counts the jobs in PostgreSQL and the records on {@code cura.job.requested} (the private stack
 * has nothing else there). A resend after a failure can add a duplicate record, never lose one.
 *
 * @param jobs jobs committed in PostgreSQL
 * @param onKafka records on {@code cura.job.requested}
 * @param pending outbox rows still unsent when the wait ended (0 when it did not time out)
 * @param drainSeconds from the call (the end of the load) until the outbox was empty
 * @param queued jobs the gateway's projection had not yet seen back from Kafka when the wait ended
 *     (status still {@code queued}; 0 unless it timed out)
 * @param projectedSeconds from the call until the projection had seen every job back
 * @param queuedAtEnd jobs not yet projected when the load ended (the call)
 */
record Delivery(
    long jobs,
    long onKafka,
    long pending,
    double drainSeconds,
    long queued,
    double projectedSeconds,
    long queuedAtEnd) {
  static Delivery await(int pgPort, String bootstrap, Duration timeout)
      throws SQLException, InterruptedException {
    long t0 = System.nanoTime();
    String url = "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";
    try (Connection c = DriverManager.getConnection(url, "postgres", "postgres")) {
      long queuedAtEnd = count(c, QUEUED);
      long pending = count(c, "SELECT count(*) FROM gw_outbox WHERE failed_at IS NULL");
      while (pending > 0 && System.nanoTime() - t0 < timeout.toNanos()) {
        Thread.sleep(100);
        pending = count(c, "SELECT count(*) FROM gw_outbox WHERE failed_at IS NULL");
      }
      double drained = (System.nanoTime() - t0) / 1e9;
      long queued = count(c, QUEUED);
      while (queued > 0 && System.nanoTime() - t0 < timeout.toNanos()) {
        Thread.sleep(100);
        queued = count(c, QUEUED);
      }
      double projected = (System.nanoTime() - t0) / 1e9;
      return new Delivery(
          count(c, "SELECT count(*) FROM gw_job"),
          records(bootstrap),
          pending,
          drained,
          queued,
          projected,
          queuedAtEnd);
    }
  }

  private static final String QUEUED = "SELECT count(*) FROM gw_job WHERE status = 'queued'";

  private static long count(Connection c, String sql) throws SQLException {
    try (var st = c.createStatement();
        var rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long records(String bootstrap) {
    Map<String, Object> cfg =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (var consumer = new KafkaConsumer<byte[], byte[]>(cfg)) {
      var parts =
          consumer.partitionsFor(Topics.JOB_REQUESTED, Duration.ofSeconds(10)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      long total = 0;
      for (var e : consumer.endOffsets(parts).entrySet()) {
        total += e.getValue();
      }
      for (var e : consumer.beginningOffsets(parts).entrySet()) {
        total -= e.getValue();
      }
      return total;
    }
  }
}
