package dev.cura.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Measures durable job submissions per second against a running gateway: {@code n} {@code POST
 * /v1/fine_tuning/jobs} with {@code concurrency} in flight, timed until every job's {@code
 * FineTuneRequested} is readable on {@code cura.job.requested} — i.e. committed in PostgreSQL, sent
 * by the outbox relay and acknowledged by the broker with acks=all (a consumer only sees
 * acknowledged records).
 */
public final class SubmissionBench {
  /**
   * Result.
   *
   * @param acceptedPerSecond submissions answered 200, per second of the HTTP phase
   * @param durablePerSecond submissions seen on Kafka, per second from the first request to the
   *     last record
   */
  public record Result(
      int requests,
      int concurrency,
      int accepted,
      int failed,
      double httpSeconds,
      double durableSeconds,
      double acceptedPerSecond,
      double durablePerSecond,
      double p50Millis,
      double p99Millis,
      List<String> jobIds,
      String firstError) {}

  private SubmissionBench() {}

  public static Result run(
      CuraClient client,
      String kafkaBootstrap,
      Map<String, Object> body,
      int n,
      int concurrency,
      Duration kafkaTimeout)
      throws InterruptedException {
    Map<String, Object> cfg =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafkaBootstrap,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            StringDeserializer.class.getName(),
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class.getName(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            "false",
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            "5000");
    try (var consumer = new KafkaConsumer<String, byte[]>(cfg)) {
      var partitions =
          consumer.partitionsFor("cura.job.requested", Duration.ofSeconds(10)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position); // resolve the end offsets now, before submitting

      byte[] json;
      try {
        json = CuraClient.json().writeValueAsBytes(body);
      } catch (Exception e) {
        throw new IllegalArgumentException(e);
      }
      URI uri = client.request("v1/fine_tuning/jobs").build().uri();
      var gate = new Semaphore(concurrency);
      var latencies = new double[n];
      var ids = ConcurrentHashMap.<String>newKeySet();
      var failed = new AtomicInteger();
      var firstError = new java.util.concurrent.atomic.AtomicReference<String>();
      var futures = new ArrayList<CompletableFuture<?>>(n);
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        gate.acquire();
        int slot = i;
        long start = System.nanoTime();
        HttpRequest req =
            client
                .request("v1/fine_tuning/jobs")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                .build();
        futures.add(
            client
                .http()
                .sendAsync(req, HttpResponse.BodyHandlers.ofString())
                .whenComplete(
                    (r, t) -> {
                      latencies[slot] = (System.nanoTime() - start) / 1e6;
                      gate.release();
                      if (t == null && r.statusCode() == 200) {
                        try {
                          JsonNode job = CuraClient.json().readTree(r.body());
                          ids.add(job.path("id").asText());
                          return;
                        } catch (Exception e) {
                          t = e;
                        }
                      }
                      failed.incrementAndGet();
                      firstError.compareAndSet(
                          null, t != null ? t.toString() : r.statusCode() + " " + r.body());
                    }));
      }
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
      long tHttp = System.nanoTime();

      Set<String> waiting = new HashSet<>(ids);
      long deadline = System.nanoTime() + kafkaTimeout.toNanos();
      long tLast = tHttp;
      while (!waiting.isEmpty() && System.nanoTime() < deadline) {
        for (var r : consumer.poll(Duration.ofMillis(50))) {
          if (waiting.remove(r.key())) {
            tLast = System.nanoTime();
          }
        }
      }
      if (!waiting.isEmpty()) {
        throw new IllegalStateException(
            waiting.size()
                + " accepted job(s) did not reach cura.job.requested within "
                + kafkaTimeout
                + ", e.g. "
                + waiting.iterator().next());
      }
      double[] sorted = Arrays.copyOf(latencies, n);
      Arrays.sort(sorted);
      double httpS = (tHttp - t0) / 1e9;
      double durableS = (Math.max(tLast, tHttp) - t0) / 1e9;
      int accepted = ids.size();
      return new Result(
          n,
          concurrency,
          accepted,
          failed.get(),
          httpS,
          durableS,
          accepted / httpS,
          accepted / durableS,
          sorted[(int) Math.floor(0.50 * (n - 1))],
          sorted[(int) Math.floor(0.99 * (n - 1))],
          List.copyOf(ids),
          firstError.get());
    }
  }
}
