package dev.cura.cli.gateway;

import dev.cura.cli.stack.StackPaths;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./cura bench gateway}: what a user of the gateway gets in the warm steady state. On a
 * private stack ({@link BenchStack}), wrk ({@link Wrk}) keeps {@code connections} job submissions
 * in flight, first untimed (the gateway's JIT warms up) and then timed; each 200 is a job committed
 * in the durable PostgreSQL. The timed run starts only once the warm-up's jobs have gone all the
 * way (on Kafka and back through the gateway's job projection), and ends when the timed run's have
 * ({@link Delivery}): the sustained rate is the timed run's submissions over the timed run plus
 * that catch-up, so a projection that piles up a backlog during the run does not pass. Then it
 * measures, on the same PostgreSQL and broker, the two ceilings: durable one-row commits per second
 * ({@link PgCommitRate}) and acks=all records per second ({@link KafkaProduceRate}). CPU time per
 * submission of the gateway, PostgreSQL and Kafka comes from {@code /proc} before and after the
 * timed run, and the load average is printed with it: on a small machine the client, the gateway,
 * PostgreSQL and Kafka share the cores.
 */
public final class GatewayBench {
  /** Issue 14's target: durable submissions per second, warm, with a light client. */
  static final double TARGET_PER_SECOND = 5000;

  /** ... at this p99 latency, with no failure. */
  static final double TARGET_P99_MILLIS = 50;

  /** How long the jobs of the warm-up and of the timed run may take to go all the way. */
  static final Duration CATCH_UP = Duration.ofSeconds(300);

  static final int WARMUP_ROUND_S = 10;
  static final double SETTLED = 0.1;

  /** How the bench runs; see {@code ./cura bench gateway --help}. */
  public record Settings(
      int connections,
      int threads,
      int warmupSeconds,
      int seconds,
      int limitSeconds,
      boolean pgDurable,
      List<String> gatewayJavaOptions,
      Path jfr) {}

  /** The outcome: {@link #json()} is the report's last line. */
  public record Report(Map<String, Object> json, boolean ok) {}

  private final StackPaths repo;
  private final Settings s;
  private final PrintStream out;

  public GatewayBench(StackPaths repo, Settings settings, PrintStream out) {
    this.repo = repo;
    this.s = settings;
    this.out = out;
  }

  public Report run() throws Exception {
    Wrk.binary(); // fail before starting anything when the client is missing
    out.printf(
        "bench gateway: wrk, %d connections on %d thread(s), %d s warm-up + %d s timed; limits %d s"
            + " each; machine %d cores; load average before %s%n",
        s.connections(),
        s.threads(),
        s.warmupSeconds(),
        s.seconds(),
        s.limitSeconds(),
        Runtime.getRuntime().availableProcessors(),
        Machine.loadAverage());
    try (var stack = BenchStack.start(repo, s.pgDurable(), s.gatewayJavaOptions(), out)) {
      Path dir = stack.logs().getParent();
      Path data = dir.resolve("train.jsonl");
      Files.writeString(
          data,
          "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
              + "{\"role\":\"assistant\",\"content\":\"hello\"}]}\n");
      String file = stack.client().upload(data).path("id").asText();
      String body =
          "{\"model\":\""
              + BenchStack.MODEL
              + "\",\"training_file\":\""
              + file
              + "\",\"suffix\":\"bench\",\"hyperparameters\":{\"max_steps\":1}}";
      var wrk = Wrk.posting(dir, stack.apiKey(), body);
      String url = stack.gatewayUrl() + "/v1/fine_tuning/jobs";
      var gw = stack.gatewayProcess();
      warmUp(wrk, url, gw);
      var warmed =
          Delivery.await(
              stack.postgresPort(), stack.kafkaBootstrap(), stack.gatewayUrl(), CATCH_UP);
      out.printf(
          "warm-up backlog: %d jobs not through the projection when the warm-up ended, %s%n",
          warmed.behindAtStart(),
          warmed.behind() == 0
              ? String.format(
                  "through %.1f s later; the timed run starts", warmed.projectedSeconds())
              : warmed.behind() + " still not after " + CATCH_UP.toSeconds() + " s");
      var pg = stack.postgresProcess();
      var kafka = stack.kafkaProcess();
      Duration gw0 = Machine.cpu(gw);
      Duration pg0 = Machine.cpu(pg);
      Duration kafka0 = Machine.cpu(kafka);
      if (s.jfr() != null) {
        Machine.jcmd(gw, "JFR.start", "name=cura-bench", "settings=profile", "filename=" + s.jfr());
      }
      long[] ticks0 = Machine.cpuTicks();
      Wrk.Result r = wrk.run(url, s.connections(), s.threads(), Duration.ofSeconds(s.seconds()));
      long[] ticks1 = Machine.cpuTicks();
      if (s.jfr() != null) {
        Machine.jcmd(gw, "JFR.stop", "name=cura-bench");
        out.println("flight recording of the gateway during the timed run: " + s.jfr());
      }
      double gwMs = Machine.cpu(gw).minus(gw0).toNanos() / 1e6;
      double pgMs = Machine.cpu(pg).minus(pg0).toNanos() / 1e6;
      double kafkaMs = Machine.cpu(kafka).minus(kafka0).toNanos() / 1e6;
      String loadAfterRun = Machine.loadAverage();
      Duration gwAfterLoad = Machine.cpu(gw);
      var delivery =
          Delivery.await(
              stack.postgresPort(), stack.kafkaBootstrap(), stack.gatewayUrl(), CATCH_UP);
      // after the load only the projection (and the relay's last batches) work: its cost per job
      double catchUpMs = Machine.cpu(gw).minus(gwAfterLoad).toNanos() / 1e6;
      var pgLimit =
          PgCommitRate.measure(
              stack.postgresPort(),
              s.connections(),
              s.threads(),
              Duration.ofSeconds(s.limitSeconds()),
              dir);
      var kafkaLimit =
          KafkaProduceRate.measure(stack.kafkaBootstrap(), Duration.ofSeconds(s.limitSeconds()));

      double busy =
          ticks1[1] > ticks0[1] ? 100.0 * (ticks1[0] - ticks0[0]) / (ticks1[1] - ticks0[1]) : 0;
      long n = Math.max(1, r.accepted());
      double rate = r.acceptedPerSecond();
      boolean delivered =
          delivery.pending() == 0
              && delivery.onKafka() >= delivery.jobs()
              && delivery.behind() == 0
              && warmed.behind() == 0;
      // end to end: until the timed run's last job went through the projection
      double sustained = r.accepted() / (r.seconds() + delivery.projectedSeconds());
      boolean met =
          sustained >= TARGET_PER_SECOND
              && r.p99Millis() < TARGET_P99_MILLIS
              && r.failures() == 0
              && delivered;
      out.printf(
          "gateway:  %.0f durable submissions/s (%d in %.1f s), latency p50 %.1f ms, p99 %.1f ms,"
              + " max %.0f ms, %d failed (%d non-2xx, %d socket errors)%n",
          rate,
          r.accepted(),
          r.seconds(),
          r.p50Millis(),
          r.p99Millis(),
          r.maxMillis(),
          r.failures(),
          r.non2xx(),
          r.socketErrors());
      out.printf(
          "cpu per submission: gateway %.3f ms, postgres %.3f ms, kafka %.3f ms; machine %.0f%% busy"
              + " during the run, load average %s%n",
          gwMs / n, pgMs / n, kafkaMs / n, busy, loadAfterRun);
      out.printf(
          "delivery: %d jobs in PostgreSQL, %d records on %s, outbox %s; job projection %d jobs"
              + " behind at the end of the load, %s%s%n",
          delivery.jobs(),
          delivery.onKafka(),
          "cura.job.requested",
          delivery.pending() == 0
              ? String.format("empty %.1f s after the load ended", delivery.drainSeconds())
              : delivery.pending() + " rows still unsent after " + delivery.drainSeconds() + " s",
          delivery.behindAtStart(),
          delivery.behind() == 0
              ? String.format("caught up %.1f s after the load ended", delivery.projectedSeconds())
              : String.format(
                  "%d jobs behind after %.0f s", delivery.behind(), delivery.projectedSeconds()),
          delivery.behindAtStart() > 100
              ? String.format(
                  " (catching up cost the gateway %.3f ms CPU per job)",
                  catchUpMs / delivery.behindAtStart())
              : "");
      out.printf(
          "sustained: %.0f jobs/s end to end (%d submissions over the %.1f s run + %.1f s until the"
              + " projection had them all)%n",
          sustained, r.accepted(), r.seconds(), delivery.projectedSeconds());
      out.printf(
          "limit postgres: %.0f durable one-row commits/s (%s, %d clients, %d failed);"
              + " gateway = %.2f of it%n",
          pgLimit.perSecond(),
          pgLimit.tool(),
          s.connections(),
          pgLimit.failed(),
          rate / pgLimit.perSecond());
      out.printf(
          "limit kafka:    %.0f acks=all records/s (%d-byte FineTuneRequested copies, %d in flight,"
              + " %d failed); gateway = %.2f of it%n",
          kafkaLimit.perSecond(),
          kafkaLimit.valueBytes(),
          KafkaProduceRate.WINDOW,
          kafkaLimit.failed(),
          rate / kafkaLimit.perSecond());
      out.printf(
          "target (issue 14): >= %.0f/s sustained at p99 < %.0f ms with 0 failures: %s; load"
              + " average after %s; logs %s%n",
          TARGET_PER_SECOND,
          TARGET_P99_MILLIS,
          met ? "met" : "NOT met",
          Machine.loadAverage(),
          stack.logs());

      var json = new LinkedHashMap<String, Object>();
      json.put("bench", "gateway");
      json.put("client", "wrk");
      json.put("connections", s.connections());
      json.put("warmup_s", s.warmupSeconds());
      json.put("duration_s", s.seconds());
      json.put("pg_durable", s.pgDurable());
      json.put("accepted", r.accepted());
      json.put("failed", r.failures());
      json.put("durable_per_second", Math.round(rate));
      json.put("p50_ms", round(r.p50Millis()));
      json.put("p99_ms", round(r.p99Millis()));
      json.put("gateway_cpu_ms_per_submission", round3(gwMs / n));
      json.put("postgres_cpu_ms_per_submission", round3(pgMs / n));
      json.put("kafka_cpu_ms_per_submission", round3(kafkaMs / n));
      json.put("machine_busy_percent", Math.round(busy));
      json.put("load_average", loadAfterRun);
      json.put("all_on_kafka", delivered);
      json.put("outbox_drain_s", round(delivery.drainSeconds()));
      json.put("warmup_backlog", warmed.behindAtStart());
      json.put("backlog_at_end", delivery.behindAtStart());
      json.put("projection_lag_s", round(delivery.projectedSeconds()));
      json.put("sustained_per_second", Math.round(sustained));
      json.put("pg_commits_per_second", Math.round(pgLimit.perSecond()));
      json.put("pg_tool", pgLimit.tool());
      json.put("kafka_acks_all_per_second", Math.round(kafkaLimit.perSecond()));
      json.put("ratio_to_pg", round3(rate / pgLimit.perSecond()));
      json.put("ratio_to_kafka", round3(rate / kafkaLimit.perSecond()));
      json.put("target_met", met);
      json.put("cores", Runtime.getRuntime().availableProcessors());
      return new Report(json, r.failures() == 0 && delivered);
    }
  }

  /**
   * Loads the gateway in rounds of {@value #WARMUP_ROUND_S} s until its CPU time per submission
   * stops falling (the JIT compiler has done its work: two rounds in a row less than {@value
   * #SETTLED} better than the best before — one such round alone is often a round that other work
   * on the machine slowed down), for at most {@code warmupSeconds}.
   */
  private void warmUp(Wrk wrk, String url, ProcessHandle gw) throws Exception {
    double best = Double.MAX_VALUE;
    int flat = 0;
    for (int spent = 0; spent < s.warmupSeconds(); spent += WARMUP_ROUND_S) {
      int secs = Math.min(WARMUP_ROUND_S, s.warmupSeconds() - spent);
      Duration cpu0 = Machine.cpu(gw);
      var w = wrk.run(url, s.connections(), s.threads(), Duration.ofSeconds(secs));
      double perSubmission =
          Machine.cpu(gw).minus(cpu0).toNanos() / 1e6 / Math.max(1, w.accepted());
      out.printf(
          "warm-up %3d s: %.0f submissions/s, gateway %.3f ms CPU each, %d failed%n",
          spent + secs, w.acceptedPerSecond(), perSubmission, w.failures());
      flat = perSubmission > best * (1 - SETTLED) ? flat + 1 : 0;
      if (flat == 2) {
        return;
      }
      best = Math.min(best, perSubmission);
    }
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
