package dev.cura.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.cli.client.ClientException;
import dev.cura.cli.client.ClientOptions;
import dev.cura.cli.client.CuraClient;
import dev.cura.cli.client.SubmissionBench;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./cura bench gateway}: durable (acks=all) job submissions per second against the running
 * local stack (DESIGN §8 target: ≥ 2,000/s on 2 cores). Loopback only; bounded request count; the
 * submitted jobs are cancelled afterwards (unless {@code --keep}) so the pipeline skips them.
 */
@Command(
    name = "gateway",
    description = "Durable job submissions per second (POST → committed → on Kafka with acks=all).")
public final class BenchGatewayCommand implements Callable<Integer> {
  static final double TARGET_PER_SECOND = 2000; // DESIGN.md §8

  @Mixin ClientOptions options;

  @Option(
      names = "--requests",
      defaultValue = "2000",
      description = "Submissions to time (1..20000).")
  int requests;

  @Option(
      names = "--concurrency",
      defaultValue = "32",
      description = "Requests in flight (1..512).")
  int concurrency;

  @Option(names = "--warmup", defaultValue = "200", description = "Untimed submissions first.")
  int warmup;

  @Option(
      names = "--kafka",
      defaultValue = "127.0.0.1:9092",
      description = "Kafka bootstrap servers.")
  String kafka;

  @Option(names = "--model", description = "Base model id (default: the first registered).")
  String model;

  @Option(names = "--keep", description = "Do not cancel the submitted jobs afterwards.")
  boolean keep;

  @Override
  public Integer call() throws Exception {
    if (requests < 1 || requests > 20_000) {
      System.err.println("cura bench gateway: --requests must be in 1..20000, got " + requests);
      return 2;
    }
    if (concurrency < 1 || concurrency > 512) {
      System.err.println("cura bench gateway: --concurrency must be in 1..512, got " + concurrency);
      return 2;
    }
    String url = options.url(8080);
    if (!loopback(URI.create(url).getHost()) || !loopback(kafka.split(":")[0])) {
      System.err.println(
          "cura bench gateway: only runs against a local stack (loopback), got "
              + url
              + " and "
              + kafka);
      return 2;
    }
    try {
      CuraClient client = options.client(8080);
      String m = model;
      if (m == null) {
        JsonNode models = client.get("v1/models").path("data");
        if (models.isEmpty()) {
          throw new ClientException(
              "no base model is registered; register one: POST /v1/models {\"id\",\"path\"} (admin)");
        }
        m = models.get(0).path("id").asText();
      }
      Path data = Files.createTempFile("cura-bench-", ".jsonl");
      Files.writeString(
          data,
          "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]}\n");
      String file = client.upload(data).path("id").asText();
      Files.deleteIfExists(data);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("model", m);
      body.put("training_file", file);
      body.put("suffix", "bench");
      body.put("hyperparameters", Map.of("max_steps", 1));
      System.err.printf(
          "bench gateway: %d submissions (+%d warm-up), %d in flight, model %s, %s%n",
          requests, warmup, concurrency, m, url);
      var ids = new java.util.ArrayList<String>();
      if (warmup > 0) {
        ids.addAll(
            SubmissionBench.run(client, kafka, body, warmup, concurrency, Duration.ofMinutes(2))
                .jobIds());
      }
      SubmissionBench.Result r =
          SubmissionBench.run(client, kafka, body, requests, concurrency, Duration.ofMinutes(5));
      ids.addAll(r.jobIds());
      System.err.printf(
          "accepted %d/%d in %.2f s (%.0f/s); all on Kafka after %.2f s: %.0f durable submissions/s"
              + " (target %.0f/s: %s); latency p50 %.1f ms, p99 %.1f ms%n",
          r.accepted(),
          r.requests(),
          r.httpSeconds(),
          r.acceptedPerSecond(),
          r.durableSeconds(),
          r.durablePerSecond(),
          TARGET_PER_SECOND,
          r.durablePerSecond() >= TARGET_PER_SECOND ? "met" : "NOT met",
          r.p50Millis(),
          r.p99Millis());
      if (r.failed() > 0) {
        System.err.println(r.failed() + " submission(s) failed, first: " + r.firstError());
      }
      if (!keep) {
        cancelAll(client, ids);
      }
      var out = new LinkedHashMap<String, Object>();
      out.put("bench", "gateway");
      out.put("requests", r.requests());
      out.put("concurrency", r.concurrency());
      out.put("accepted", r.accepted());
      out.put("failed", r.failed());
      out.put("accepted_per_second", Math.round(r.acceptedPerSecond()));
      out.put("durable_per_second", Math.round(r.durablePerSecond()));
      out.put("p50_ms", Math.round(r.p50Millis() * 10) / 10.0);
      out.put("p99_ms", Math.round(r.p99Millis() * 10) / 10.0);
      out.put("target_per_second", TARGET_PER_SECOND);
      out.put("cores", Runtime.getRuntime().availableProcessors());
      System.out.println(CuraClient.json().writeValueAsString(out));
      return r.failed() == 0 ? 0 : 1;
    } catch (ClientException | IllegalStateException e) {
      System.err.println("cura bench gateway: " + e.getMessage());
      return 1;
    }
  }

  private static void cancelAll(CuraClient client, java.util.List<String> ids)
      throws InterruptedException {
    var gate = new Semaphore(16);
    var all = new java.util.ArrayList<CompletableFuture<?>>();
    for (String id : ids) {
      gate.acquire();
      all.add(
          client
              .http()
              .sendAsync(
                  client
                      .request("v1/fine_tuning/jobs/" + id + "/cancel")
                      .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.discarding())
              .whenComplete((r, t) -> gate.release()));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    System.err.println("cancelled the " + ids.size() + " benchmark jobs");
  }

  private static boolean loopback(String host) {
    try {
      return host != null && InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
