package dev.cura.cli.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load generator: <a href="https://github.com/wg/wrk">wrk</a> (Debian package {@code wrk}), a
 * small C client that keeps {@code connections} requests in flight on a few threads, so it takes
 * little of the CPU the gateway, PostgreSQL and Kafka need on a small machine. A Lua script makes
 * every request a {@code POST /v1/fine_tuning/jobs} with the API key and prints the run's summary
 * in one line this class reads.
 */
public final class Wrk {
  static final String MARK = "CURA-WRK";
  private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\d+)");

  /**
   * One run's summary.
   *
   * @param responses responses received (any status)
   * @param non2xx responses with a status other than 2xx/3xx
   * @param socketErrors connect, read and write errors and timeouts
   */
  public record Result(
      long responses,
      long non2xx,
      long socketErrors,
      double seconds,
      double p50Millis,
      double p99Millis,
      double maxMillis) {
    public long accepted() {
      return responses - non2xx;
    }

    public long failures() {
      return non2xx + socketErrors;
    }

    public double acceptedPerSecond() {
      return accepted() / seconds;
    }
  }

  private final Path script;

  private Wrk(Path script) {
    this.script = script;
  }

  /** The wrk binary, or a message saying how to get it. */
  public static String binary() {
    String wrk = Machine.onPath("wrk");
    if (wrk == null) {
      throw new IllegalStateException(
          "wrk (the load generator) is not installed; on Debian/Ubuntu: sudo apt-get install wrk");
    }
    return wrk;
  }

  /**
   * A run that POSTs {@code jsonBody} with {@code apiKey}; the script is written into {@code dir}.
   */
  public static Wrk posting(Path dir, String apiKey, String jsonBody) throws IOException {
    Path script = dir.resolve("submit.lua");
    Files.createDirectories(dir);
    Files.writeString(script, script(apiKey, jsonBody), StandardCharsets.UTF_8);
    return new Wrk(script);
  }

  /** The Lua script: method, headers and body, and a {@code done} hook printing one line. */
  static String script(String apiKey, String jsonBody) {
    return String.join(
        "\n",
        "wrk.method = \"POST\"",
        "wrk.headers[\"Content-Type\"] = \"application/json\"",
        "wrk.headers[\"Authorization\"] = " + luaString("Bearer " + apiKey),
        "wrk.body = " + luaString(jsonBody),
        "done = function(summary, latency, requests)",
        "  local e = summary.errors",
        "  io.write(string.format(\""
            + MARK
            + " responses=%d non2xx=%d socket_errors=%d"
            + " duration_us=%d p50_us=%d p99_us=%d max_us=%d\\n\",",
        "    summary.requests, e.status, e.connect + e.read + e.write + e.timeout,",
        "    summary.duration, latency:percentile(50), latency:percentile(99), latency.max))",
        "end",
        "");
  }

  /** A Lua long string (no escapes inside), with a level no content can close early. */
  static String luaString(String s) {
    String eq = "=";
    while (s.contains("]" + eq + "]")) {
      eq += "=";
    }
    return "[" + eq + "[" + s + "]" + eq + "]";
  }

  /**
   * Runs wrk against {@code url} for {@code duration} with {@code connections} connections on
   * {@code threads} threads.
   */
  public Result run(String url, int connections, int threads, Duration duration)
      throws IOException, InterruptedException {
    var cmd =
        List.of(
            binary(),
            "-t" + threads,
            "-c" + connections,
            "-d" + duration.toSeconds() + "s",
            "--timeout",
            "10s",
            "-s",
            script.toString(),
            url);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("wrk did not finish");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException("wrk failed (exit " + p.exitValue() + "): " + text.strip());
    }
    return parse(text);
  }

  /** Reads the script's summary line out of wrk's output. */
  static Result parse(String output) throws IOException {
    for (String line : output.split("\n")) {
      if (line.startsWith(MARK + " ")) {
        var f = new java.util.HashMap<String, Long>();
        Matcher m = FIELD.matcher(line);
        while (m.find()) {
          f.put(m.group(1), Long.parseLong(m.group(2)));
        }
        var need = new ArrayList<>(List.of("responses", "non2xx", "socket_errors", "duration_us"));
        need.addAll(List.of("p50_us", "p99_us", "max_us"));
        need.removeAll(f.keySet());
        if (!need.isEmpty()) {
          throw new IOException("wrk's summary lacks " + need + ": " + line);
        }
        return new Result(
            f.get("responses"),
            f.get("non2xx"),
            f.get("socket_errors"),
            f.get("duration_us") / 1e6,
            f.get("p50_us") / 1e3,
            f.get("p99_us") / 1e3,
            f.get("max_us") / 1e3);
      }
    }
    throw new IOException("wrk printed no summary line (" + MARK + "): " + output.strip());
  }
}
