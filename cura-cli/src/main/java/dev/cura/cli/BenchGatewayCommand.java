package dev.cura.cli;

import dev.cura.cli.client.ClientException;
import dev.cura.cli.client.CuraClient;
import dev.cura.cli.engine.CliErrors;
import dev.cura.cli.gateway.GatewayBench;
import dev.cura.cli.stack.StackPaths;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./cura bench gateway}: durable job submissions per second in the warm steady state, with
 * wrk as a light load generator, on a private stack; beside it, from the same run, the limits the
 * same PostgreSQL (durable one-row commits/s) and the same broker (acks=all records/s) set. See
 * {@link GatewayBench}.
 */
@Command(
    name = "gateway",
    description = {
      "Durable job submissions per second (POST /v1/fine_tuning/jobs answered 200 = committed in a"
          + " durable PostgreSQL; then on Kafka with acks=all), warm, with wrk as the client, on a"
          + " private stack (Kafka, PostgreSQL, gateway on free ports under .cura/bench/gateway;"
          + " ./cura up is not needed and not touched). Prints the PostgreSQL commit rate"
          + " (pgbench) and the Kafka acks=all produce rate of the same stack beside it.",
      "Needs wrk (apt-get install wrk); pgbench (apt-get install postgresql-client) if present."
    })
public final class BenchGatewayCommand implements Callable<Integer> {
  @Option(
      names = "--connections",
      defaultValue = "64",
      description = "Connections wrk keeps busy (1..1024; default ${DEFAULT-VALUE}).")
  int connections;

  @Option(
      names = "--threads",
      description = "wrk threads (default: the number of cores, at most 4).")
  Integer threads;

  @Option(
      names = "--warmup",
      defaultValue = "120",
      description =
          "At most this many seconds of untimed load first, in 10 s rounds until the gateway's CPU"
              + " time per submission stops falling (JIT-compiled; 0..600, default"
              + " ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--duration",
      defaultValue = "20",
      description = "Seconds of timed load (1..600; default ${DEFAULT-VALUE}).")
  int duration;

  @Option(
      names = "--limits-duration",
      defaultValue = "10",
      description = "Seconds each of the PostgreSQL and Kafka limits is measured (1..600).")
  int limitsDuration;

  @Option(
      names = "--pg-not-durable",
      description =
          "Run the private PostgreSQL with fsync and synchronous commit off (what ./cura up did"
              + " before), to measure what durability costs.")
  boolean pgNotDurable;

  @Option(
      names = "--gateway-java-opts",
      description =
          "Extra JVM options of the gateway, e.g. -XX:StartFlightRecording=filename=gw.jfr"
              + " (space separated).")
  String gatewayJavaOpts;

  @Option(
      names = "--jfr",
      description =
          "Write a flight recording (JFR, profile settings) of the gateway during the"
              + " timed run to this file.")
  java.nio.file.Path jfr;

  @Override
  public Integer call() throws Exception {
    String bad =
        connections < 1 || connections > 1024
            ? "--connections must be in 1..1024, got " + connections
            : warmup < 0 || warmup > 600
                ? "--warmup must be in 0..600 seconds, got " + warmup
                : duration < 1 || duration > 600
                    ? "--duration must be in 1..600 seconds, got " + duration
                    : limitsDuration < 1 || limitsDuration > 600
                        ? "--limits-duration must be in 1..600 seconds, got " + limitsDuration
                        : threads != null && (threads < 1 || threads > connections)
                            ? "--threads must be in 1..connections, got " + threads
                            : null;
    if (bad != null) {
      return CliErrors.usage("bench gateway", bad);
    }
    int cores = Runtime.getRuntime().availableProcessors();
    var settings =
        new GatewayBench.Settings(
            connections,
            threads != null ? threads : Math.min(Math.min(cores, 4), connections),
            warmup,
            duration,
            limitsDuration,
            !pgNotDurable,
            gatewayJavaOpts == null || gatewayJavaOpts.isBlank()
                ? List.of()
                : List.of(gatewayJavaOpts.trim().split("\\s+")),
            jfr == null ? null : jfr.toAbsolutePath());
    try {
      var report = new GatewayBench(StackPaths.current(), settings, System.out).run();
      System.out.println(CuraClient.json().writeValueAsString(report.json()));
      return report.ok() ? 0 : 1;
    } catch (ClientException | IllegalStateException e) {
      System.err.println("cura bench gateway: " + e.getMessage());
      return 1;
    }
  }
}
