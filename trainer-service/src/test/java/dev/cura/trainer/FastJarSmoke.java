package dev.cura.trainer;

import dev.cura.core.store.ArtifactStore;
import dev.cura.core.store.Sha256;
import dev.cura.events.AdapterTrained;
import dev.cura.events.CheckpointSaved;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.LoraConfig;
import dev.cura.events.OptimizerConfig;
import dev.cura.events.Topics;
import dev.cura.events.TrainingConfig;
import dev.cura.testinfra.TestKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * A manual check of the packaged service (not a unit test): starts an in-JVM Kafka broker, puts a
 * tiny NF4 base and a dataset into a fresh artifact store, runs {@code
 * trainer-service/target/quarkus-app/quarkus-run.jar} as a child process against them, sends one
 * CheckpointQuantized and waits for the AdapterTrained. With the argument {@code kill} two trainers
 * run (a pool), the job is longer, the trainer holding it is killed (SIGKILL) once a checkpoint is
 * announced, and the other must take the job over from that checkpoint — it prints how long after
 * the kill the job's training resumed — and end it with exactly one AdapterTrained. Run from
 * trainer-service/ with the test class path (see docs/trainer.md, "Checking the fast-jar").
 */
public final class FastJarSmoke {
  private FastJarSmoke() {}

  public static void main(String[] args) throws Exception {
    Path work = Files.createTempDirectory(Path.of("target"), "smoke-").toAbsolutePath();
    String bootstrap = TestKafka.bootstrapServers();
    var store = new ArtifactStore(work.resolve("artifacts"));
    String base = TinyBase.put(store, work);
    String data = "{\"prompt\":\"first!\",\"completion\":\" you were quick\"}\n";
    String dataSha = Sha256.ofString(data);
    store.putIfAbsent(dataSha, d -> Files.writeString(d.resolve("train.jsonl"), data));

    boolean kill = args.length > 0 && args[0].equals("kill");
    int port = 18082;
    var http = HttpClient.newHttpClient();
    Process trainer = start(work, bootstrap, store, port, "trainer-1.log");
    // kill: a standby trainer is up too (a pool), so the measured take-over is the group's, not a
    // process start's
    Process standby = kill ? start(work, bootstrap, store, port + 1, "trainer-2.log") : null;
    try {
      awaitReady(http, port, trainer, work);
      if (standby != null) {
        awaitReady(http, port + 1, standby, work);
      }
      String job = "ftjob-smoke-" + UUID.randomUUID();
      var request =
          TinyBase.request(
              job,
              dataSha,
              new LoraConfig(4, 8.0, 0.0, null),
              new OptimizerConfig("paged_adamw_32bit", 1e-3, null),
              new TrainingConfig(1, 1, 64, 1L, kill ? 40 : 5, 2),
              "smoke");
      var codec = new EventCodec();
      long t0 = System.nanoTime();
      TestKafka.send(
          codec.encode(EventEnvelope.create("/smoke", TinyBase.quantized(store, base, request))));
      if (kill) {
        var saved =
            TestKafka.await(
                    Topics.JOB_PROGRESS,
                    r ->
                        job.equals(r.key())
                            && codec.decode(TestKafka.headers(r), r.value()).data()
                                instanceof CheckpointSaved c
                            && c.step() >= 4,
                    1,
                    Duration.ofMinutes(5))
                .get(0);
        long killedAfter =
            ((CheckpointSaved) codec.decode(TestKafka.headers(saved), saved.value()).data()).step();
        boolean firstHolds = holdsAJob(http, port);
        if (!firstHolds && !holdsAJob(http, port + 1)) {
          throw new IllegalStateException("neither trainer holds the job");
        }
        Process victim = firstHolds ? trainer : standby;
        Process survivor = firstHolds ? standby : trainer;
        int survivorPort = firstHolds ? port + 1 : port;
        victim.destroyForcibly().waitFor();
        long killedAt = System.currentTimeMillis();
        System.out.printf(
            "killed the trainer holding the job (SIGKILL, port %d) after its checkpoint at step %d%n",
            firstHolds ? port : port + 1, killedAfter);
        var resumed =
            TestKafka.await(
                    Topics.JOB_PROGRESS,
                    r ->
                        job.equals(r.key())
                            && r.timestamp() > killedAt
                            && codec.decode(TestKafka.headers(r), r.value()).data()
                                instanceof dev.cura.events.TrainingProgress,
                    1,
                    Duration.ofMinutes(2))
                .get(0);
        long step =
            ((dev.cura.events.TrainingProgress)
                    codec.decode(TestKafka.headers(resumed), resumed.value()).data())
                .step();
        System.out.printf(
            "the standby trainer resumed the job %.1f s after the kill (first step %d)%n",
            (resumed.timestamp() - killedAt) / 1e3, step);
        trainer = survivor;
        port = survivorPort;
      }
      var rec =
          TestKafka.await(
                  Topics.ADAPTER_TRAINED, r -> job.equals(r.key()), 1, Duration.ofMinutes(5))
              .get(0);
      var trained = (AdapterTrained) codec.decode(TestKafka.headers(rec), rec.value()).data();
      System.out.printf(
          "AdapterTrained after %.1f s: digest %s metrics %s%n",
          (System.nanoTime() - t0) / 1e9, trained.adapterDigest(), trained.metrics());
      store.verify(trained.adapterDigest());
      if (kill) {
        var steps = TopicReaderAll.progressSteps(job, codec);
        System.out.println("TrainingProgress steps in publishing order: " + steps);
        System.out.println(
            "AdapterTrained records for the job: "
                + TestKafka.readToEnd(Topics.ADAPTER_TRAINED, r -> job.equals(r.key())).size());
      }
      var metrics =
          http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      metrics
          .lines()
          .filter(l -> l.startsWith("cura_train") || l.startsWith("cura_optimizer"))
          .forEach(System.out::println);
    } finally {
      for (Process p : new Process[] {trainer, standby}) {
        if (p != null && p.isAlive()) {
          p.destroy();
          p.waitFor();
        }
      }
    }
    System.exit(0);
  }

  private static Process start(
      Path work, String bootstrap, ArtifactStore store, int port, String log)
      throws java.io.IOException {
    var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    var pb =
        new ProcessBuilder(
            java,
            "--add-modules",
            "jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED",
            "-Dai.djl.offline=true",
            "-DDJL_CACHE_DIR=" + Path.of("target", "djl-cache").toAbsolutePath(),
            "-Djava.io.tmpdir=" + work,
            "-Dquarkus.http.port=" + port,
            "-jar",
            "target/quarkus-app/quarkus-run.jar");
    pb.environment().put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    pb.environment().put("CURA_ARTIFACT_ROOT", store.root().toString());
    pb.environment().put("CURA_TRAINER_PROGRESS_EVERY", "1");
    pb.redirectErrorStream(true).redirectOutput(work.resolve(log).toFile());
    return pb.start();
  }

  /**
   * True when the trainer on {@code port} holds a job. Its status shows how many, not which (it
   * reveals nothing about jobs); only one job runs here, so the one that holds any holds it.
   */
  private static boolean holdsAJob(HttpClient http, int port) throws Exception {
    var body =
        http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/trainer/status"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    var active = java.util.regex.Pattern.compile("\"active_jobs\"\\s*:\\s*(\\d+)").matcher(body);
    if (!active.find()) {
      throw new IllegalStateException("no active_jobs in the trainer's status: " + body);
    }
    return Integer.parseInt(active.group(1)) > 0;
  }

  private static void awaitReady(HttpClient http, int port, Process trainer, Path work)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (true) {
      try {
        var r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // starting
      }
      if (System.nanoTime() > deadline || !trainer.isAlive()) {
        throw new IllegalStateException("trainer not ready; see the logs in " + work);
      }
      Thread.sleep(500);
    }
  }

  /** The TrainingProgress steps of a job, in publishing order. */
  private static final class TopicReaderAll {
    static List<Long> progressSteps(String job, EventCodec codec) {
      return TestKafka.readToEnd(Topics.JOB_PROGRESS, r -> job.equals(r.key())).stream()
          .map(r -> codec.decode(TestKafka.headers(r), r.value()).data())
          .filter(e -> e instanceof dev.cura.events.TrainingProgress)
          .map(e -> ((dev.cura.events.TrainingProgress) e).step())
          .toList();
    }
  }
}
