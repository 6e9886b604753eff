import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends N requests with random bearer tokens (well-formed keys no service knows) to a gateway and
 * samples the gateway's resident memory while it does; then checks that it is still ready.
 * Issue 12: "100,000 requests with random bearer tokens: gateway RSS grows by < 50 MiB and it
 * stays ready". Run by random-bearer-tokens.sh against ./cura up:
 *   java RandomBearerTokens.java URL PID REQUESTS CONCURRENCY
 */
public class RandomBearerTokens {
  public static void main(String[] args) throws Exception {
    String url = args[0];
    long pid = Long.parseLong(args[1]);
    int requests = Integer.parseInt(args[2]);
    int concurrency = Integer.parseInt(args[3]);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    SecureRandom random = new SecureRandom();
    Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    AtomicLong failures = new AtomicLong();
    Semaphore inFlight = new Semaphore(concurrency);
    long rss0 = rssKiB(pid);
    long peak = rss0;
    long start = System.nanoTime();
    for (int i = 0; i < requests; i++) {
      byte[] b = new byte[32];
      random.nextBytes(b);
      String key = "cura-" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
      var req = HttpRequest.newBuilder(URI.create(url + "/v1/fine_tuning/jobs"))
          .header("Authorization", "Bearer " + key)
          .timeout(Duration.ofSeconds(30))
          .GET()
          .build();
      inFlight.acquire();
      http.sendAsync(req, HttpResponse.BodyHandlers.discarding())
          .whenComplete(
              (r, e) -> {
                if (e != null) {
                  failures.incrementAndGet();
                } else {
                  statuses.computeIfAbsent(r.statusCode(), s -> new AtomicLong()).incrementAndGet();
                }
                inFlight.release();
              });
      if (i % 5000 == 0) {
        long rss = rssKiB(pid);
        peak = Math.max(peak, rss);
        System.out.printf("%7d requests  gateway RSS %6.1f MiB%n", i, rss / 1024.0);
      }
    }
    inFlight.acquire(concurrency);
    double seconds = (System.nanoTime() - start) / 1e9;
    long rss1 = rssKiB(pid);
    peak = Math.max(peak, rss1);
    var ready = http.send(HttpRequest.newBuilder(URI.create(url + "/q/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
    System.out.printf("%d requests in %.1f s (%.0f/s), statuses %s, transport failures %d%n",
        requests, seconds, requests / seconds, new TreeMap<>(statuses), failures.get());
    System.out.printf("gateway RSS before %.1f MiB, after %.1f MiB (grew %.1f MiB), peak %.1f MiB%n",
        rss0 / 1024.0, rss1 / 1024.0, (rss1 - rss0) / 1024.0, peak / 1024.0);
    System.out.printf("readiness after: HTTP %d %s%n", ready.statusCode(), ready.body().replaceAll("\\s+", " "));
    boolean ok = ready.statusCode() == 200 && (rss1 - rss0) < 50 * 1024 && failures.get() == 0;
    System.out.println(ok ? "PASS: grew < 50 MiB and ready" : "FAIL");
    System.exit(ok ? 0 : 1);
  }

  static long rssKiB(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for pid " + pid);
  }
}
