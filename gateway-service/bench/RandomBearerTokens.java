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
 * Sends requests with random bearer tokens (well-formed keys no service knows) to a gateway and
 * samples the gateway's resident memory while it does; then checks that it is still ready.
 * Issue 12: "100,000 requests with random bearer tokens: gateway RSS grows by < 50 MiB and it
 * stays ready". Two phases, reported apart: WARMUP requests first (a fresh JVM's JIT, code cache
 * and first touch of its heap), then REQUESTS measured ones. The verdict is on the measured phase;
 * the growth from the cold start (before the warm-up) is printed too. Run by
 * random-bearer-tokens.sh against ./cura up:
 *   java RandomBearerTokens.java URL PID REQUESTS CONCURRENCY WARMUP
 */
public class RandomBearerTokens {
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  static final SecureRandom RANDOM = new SecureRandom();

  record Phase(long rssBeforeKiB, long rssAfterKiB, long peakKiB, double seconds, int requests,
      Map<Integer, AtomicLong> statuses, long failures) {
    void print(String name) throws Exception {
      System.out.printf(
          "%s: %d requests in %.1f s (%.0f/s), statuses %s, transport failures %d%n",
          name, requests, seconds, requests / seconds, new TreeMap<>(statuses), failures);
      System.out.printf(
          "%s: gateway RSS before %.1f MiB, after %.1f MiB (grew %.1f MiB), peak %.1f MiB; %s%n",
          name, rssBeforeKiB / 1024.0, rssAfterKiB / 1024.0,
          (rssAfterKiB - rssBeforeKiB) / 1024.0, peakKiB / 1024.0, loadavg());
    }
  }

  public static void main(String[] args) throws Exception {
    String url = args[0];
    long pid = Long.parseLong(args[1]);
    int requests = Integer.parseInt(args[2]);
    int concurrency = Integer.parseInt(args[3]);
    int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 0;
    System.out.printf("start: gateway RSS %.1f MiB; %s%n", rssKiB(pid) / 1024.0, loadavg());
    snapshot(pid, "start");
    Phase w = warmup > 0 ? run(url, pid, warmup, concurrency) : null;
    if (w != null) {
      w.print("warm-up");
      snapshot(pid, "after the warm-up");
    }
    Phase m = run(url, pid, requests, concurrency);
    m.print("measured");
    snapshot(pid, "end");
    if (w != null) {
      System.out.printf(
          "from the cold start: grew %.1f MiB over %d requests%n",
          (m.rssAfterKiB - w.rssBeforeKiB) / 1024.0, warmup + requests);
    }
    var ready = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/q/health/ready")).build(),
        HttpResponse.BodyHandlers.ofString());
    System.out.printf("readiness after: HTTP %d %s%n", ready.statusCode(),
        ready.body().replaceAll("\\s+", " "));
    boolean ok = ready.statusCode() == 200 && (m.rssAfterKiB - m.rssBeforeKiB) < 50 * 1024
        && m.failures == 0;
    System.out.println(ok ? "PASS: grew < 50 MiB and ready" : "FAIL");
    System.exit(ok ? 0 : 1);
  }

  static Phase run(String url, long pid, int requests, int concurrency) throws Exception {
    Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    AtomicLong failures = new AtomicLong();
    Semaphore inFlight = new Semaphore(concurrency);
    long rss0 = rssKiB(pid);
    long peak = rss0;
    long start = System.nanoTime();
    for (int i = 0; i < requests; i++) {
      byte[] b = new byte[32];
      RANDOM.nextBytes(b);
      String key = "cura-" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
      var req = HttpRequest.newBuilder(URI.create(url + "/v1/fine_tuning/jobs"))
          .header("Authorization", "Bearer " + key)
          .timeout(Duration.ofSeconds(30))
          .GET()
          .build();
      inFlight.acquire();
      HTTP.sendAsync(req, HttpResponse.BodyHandlers.discarding())
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
    return new Phase(rss0, rss1, Math.max(peak, rss1), seconds, requests, statuses,
        failures.get());
  }

  /** HISTO=1: the top of the live-object histogram and the native memory summary (if tracked). */
  static void snapshot(long pid, String when) throws Exception {
    if (!"1".equals(System.getenv("HISTO"))) {
      return;
    }
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    System.out.printf("--- %s: gateway RSS %.1f MiB before a full GC for the histogram%n", when,
        rssKiB(pid) / 1024.0);
    var histo = new ProcessBuilder(jcmd, Long.toString(pid), "GC.class_histogram")
        .redirectErrorStream(true).start();
    var lines = new String(histo.getInputStream().readAllBytes()).lines().toList();
    histo.waitFor();
    lines.stream().skip(1).limit(13).forEach(System.out::println);
    if (!lines.isEmpty()) {
      System.out.println(lines.get(lines.size() - 1));
    }
    var nmt = new ProcessBuilder(jcmd, Long.toString(pid), "VM.native_memory", "summary")
        .redirectErrorStream(true).start();
    new String(nmt.getInputStream().readAllBytes()).lines()
        .filter(l -> l.startsWith("Total") || l.startsWith("-"))
        .limit(24)
        .forEach(System.out::println);
    nmt.waitFor();
  }

  static String loadavg() throws Exception {
    String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
    return "load average " + f[0] + " " + f[1] + " " + f[2];
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
