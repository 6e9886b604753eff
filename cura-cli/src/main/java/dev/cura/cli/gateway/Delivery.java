package dev.cura.cli.gateway;

import dev.cura.events.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * That every accepted submission went all the way: waits until the gateway's outbox is empty, then
 * until the gateway's job projection has consumed every job's {@code FineTuneRequested} back from
 * Kafka and no job is still {@code queued}; then counts the jobs in PostgreSQL and the records on
 * {@code cura.job.requested} (the private stack has nothing else there). A resend after a failure
 * can add a duplicate record, never lose one.
 *
 * <p>The projection's progress is the gateway's own count of requests it consumed ({@code
 * cura_events_consumed_total{type="FineTuneRequested"}} on {@code /q/metrics}), not the consumer
 * group's committed offsets (committed every few seconds) nor the job statuses alone (the outbox
 * relay moves a job on as soon as its request is on the bus): a projection that falls behind the
 * topic shows as a backlog even when every job already left {@code queued}.
 *
 * @param jobs jobs committed in PostgreSQL
 * @param onKafka records on {@code cura.job.requested}
 * @param pending outbox rows still unsent when the wait ended (0 when it did not time out)
 * @param drainSeconds from the call (the end of the load) until the outbox was empty
 * @param behind jobs not yet through the projection when the wait ended (0 unless it timed out)
 * @param projectedSeconds from the call until the projection had consumed every job's request
 * @param behindAtStart jobs not yet through the projection at the call: committed in PostgreSQL but
 *     their request not yet consumed back from Kafka, or still {@code queued}
 */
record Delivery(
    long jobs,
    long onKafka,
    long pending,
    double drainSeconds,
    long behind,
    double projectedSeconds,
    long behindAtStart) {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  static Delivery await(int pgPort, String bootstrap, String gatewayUrl, Duration timeout)
      throws SQLException, IOException, InterruptedException {
    long t0 = System.nanoTime();
    String url = "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";
    try (Connection c = DriverManager.getConnection(url, "postgres", "postgres")) {
      long behindAtStart = behind(c, gatewayUrl);
      long pending = count(c, "SELECT count(*) FROM gw_outbox WHERE failed_at IS NULL");
      while (pending > 0 && System.nanoTime() - t0 < timeout.toNanos()) {
        Thread.sleep(100);
        pending = count(c, "SELECT count(*) FROM gw_outbox WHERE failed_at IS NULL");
      }
      double drained = (System.nanoTime() - t0) / 1e9;
      long behind = behind(c, gatewayUrl);
      while (behind > 0 && System.nanoTime() - t0 < timeout.toNanos()) {
        Thread.sleep(100);
        behind = behind(c, gatewayUrl);
      }
      double projected = (System.nanoTime() - t0) / 1e9;
      return new Delivery(
          count(c, "SELECT count(*) FROM gw_job"),
          records(bootstrap),
          pending,
          drained,
          behind,
          projected,
          behindAtStart);
    }
  }

  /**
   * Jobs the projection has not finished with: the larger of the jobs still {@code queued} and the
   * jobs whose request it has not consumed yet (every job of the private stack is the gateway's
   * own, one request each).
   */
  private static long behind(Connection c, String gatewayUrl)
      throws SQLException, IOException, InterruptedException {
    long jobs = count(c, "SELECT count(*) FROM gw_job");
    long queued = count(c, "SELECT count(*) FROM gw_job WHERE status = 'queued'");
    return Math.max(queued, jobs - scrapeConsumedRequests(gatewayUrl));
  }

  /** The gateway's {@code FineTuneRequested} records consumed so far (any outcome). */
  static long scrapeConsumedRequests(String gatewayUrl) throws IOException, InterruptedException {
    var req =
        HttpRequest.newBuilder(URI.create(gatewayUrl + "/q/metrics"))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build();
    HttpResponse<String> res = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() != 200) {
      throw new IOException("GET /q/metrics of the gateway: HTTP " + res.statusCode());
    }
    return consumedRequests(res.body());
  }

  /** The sum of {@code cura_events_consumed_total{type="FineTuneRequested",…}} in a scrape. */
  static long consumedRequests(String prometheusText) {
    double total = 0;
    for (String line : prometheusText.split("\n")) {
      if (line.startsWith("cura_events_consumed_total{")
          && line.contains("type=\"FineTuneRequested\"")) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return Math.round(total);
  }

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
