package dev.cura.gateway;

import static dev.cura.testinfra.TestApi.ADMIN;
import static dev.cura.testinfra.TestApi.as;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.events.AdapterRegistered;
import dev.cura.events.CuraEvent;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.FineTuneRequested;
import dev.cura.events.Topics;
import dev.cura.events.TrainingProgress;
import dev.cura.testinfra.KafkaPostgresTestResource;
import dev.cura.testinfra.SampleEvents;
import dev.cura.testinfra.TestApi;
import dev.cura.testinfra.TestKafka;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gateway's REST API, auth, projection and streaming against real Kafka and PostgreSQL. */
@QuarkusTest
@WithTestResource(KafkaPostgresTestResource.class)
class GatewayApiTest {
  static final Duration WAIT = Duration.ofSeconds(60);
  static final String CHAT =
      "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]}\n";
  private static final EventCodec CODEC = new EventCodec();
  static String acmeKey;

  /**
   * The model directories the tests register, made by whichever test needs them first (other
   * classes call {@link #registerTiny()} without this class having run).
   */
  @BeforeAll
  static void models() throws IOException {
    Path root = Path.of("target/test-models");
    Path tiny = root.resolve("tiny");
    Files.createDirectories(tiny);
    Files.writeString(tiny.resolve("config.json"), "{\"model_type\":\"llama\"}");
    Files.write(tiny.resolve("model.safetensors"), new byte[] {1, 2, 3});
    Path outside = Path.of("target/outside-model");
    Files.createDirectories(outside);
    Files.writeString(outside.resolve("config.json"), "{}");
    Files.write(outside.resolve("model.safetensors"), new byte[] {4});
    Path link = root.resolve("escape");
    if (!Files.isSymbolicLink(link)) {
      Files.createSymbolicLink(link, outside.toAbsolutePath());
    }
  }

  static synchronized String acme() {
    if (acmeKey == null) {
      acmeKey = TestApi.newKey("acme");
    }
    return acmeKey;
  }

  /** Waits until the operator's view of {@code job} passes {@code check}. */
  static void awaitJob(String job, Consumer<ValidatableResponse> check) {
    await()
        .atMost(WAIT)
        .untilAsserted(() -> check.accept(as(ADMIN).get("/v1/fine_tuning/jobs/" + job).then()));
  }

  static void registerTiny() {
    try {
      models();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    as(ADMIN)
        .contentType("application/json")
        .body("{\"id\":\"tiny\",\"path\":\"target/test-models/tiny\"}")
        .post("/v1/models")
        .then()
        .statusCode(org.hamcrest.Matchers.anyOf(equalTo(200), equalTo(201)));
  }

  static String upload(String key, String content) {
    return as(key)
        .multiPart("file", "train.jsonl", content.getBytes(StandardCharsets.UTF_8))
        .multiPart("purpose", "fine-tune")
        .post("/v1/files")
        .then()
        .statusCode(200)
        .extract()
        .path("id");
  }

  @Test
  void missingOrWrongKeyIs401WithJsonError() {
    given()
        .get("/v1/fine_tuning/jobs")
        .then()
        .statusCode(401)
        .body("error.code", equalTo("invalid_api_key"));
    as("cura-not-a-real-key-000000000000")
        .get("/v1/fine_tuning/jobs")
        .then()
        .statusCode(401)
        .body("error.message", startsWith("invalid API key"));
    given().get("/q/health/ready").then().statusCode(200);
  }

  @Test
  void uploadValidationNamesTheLine() {
    String bad =
        CHAT
            + "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"assistant\",\"content\":\"\"}]}\n"
            + CHAT
            + "{\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}\n";
    as(ADMIN)
        .multiPart("file", "bad.jsonl", bad.getBytes(StandardCharsets.UTF_8))
        .multiPart("purpose", "fine-tune")
        .post("/v1/files")
        .then()
        .statusCode(400)
        .body("error.code", equalTo("invalid_file"))
        .body("error.param", equalTo("file"))
        .body("error.message", containsString("line 2: messages[1].content is empty"))
        .body("error.message", containsString("line(s) 4"));
    String id = upload(ADMIN, CHAT + CHAT);
    as(ADMIN)
        .get("/v1/files/" + id)
        .then()
        .statusCode(200)
        .body("examples", equalTo(2))
        .body("format", equalTo("chat"))
        .body("sha256", org.hamcrest.Matchers.matchesPattern("[0-9a-f]{64}"));
    // another tenant's file is absent
    as(acme())
        .get("/v1/files/" + id)
        .then()
        .statusCode(404)
        .body("error.code", equalTo("not_found"));
  }

  @Test
  void modelRegistrationStaysInsideTheRoots() {
    for (String path :
        List.of(
            "target/test-models/../outside-model",
            "target/outside-model",
            "target/test-models/escape",
            "/etc")) {
      as(ADMIN)
          .contentType("application/json")
          .body(Map.of("id", "evil", "path", path))
          .post("/v1/models")
          .then()
          .statusCode(400)
          .body("error.param", equalTo("path"));
    }
    as(acme())
        .contentType("application/json")
        .body("{\"id\":\"tiny2\",\"path\":\"target/test-models/tiny\"}")
        .post("/v1/models")
        .then()
        .statusCode(403);
    registerTiny();
    as(acme())
        .get("/v1/models")
        .then()
        .statusCode(200)
        .body("object", equalTo("list"))
        .body("data.id", org.hamcrest.Matchers.hasItem("tiny"))
        .body(
            "data.find { it.id == 'tiny' }.sha256",
            org.hamcrest.Matchers.matchesPattern("[0-9a-f]{64}"))
        // nothing about other tenants or the server's directories
        .body("data.find { it.id == 'tiny' }.owned_by", equalTo("cura"))
        .body("data.find { it.id == 'tiny' }.path", nullValue());
    // not even to the operator who registered it (issue 11: no server path in any response)
    as(ADMIN).get("/v1/models/tiny").then().statusCode(200).body("$", not(hasKey("path")));
    as(ADMIN).get("/v1/models").then().body("data.find { it.id == 'tiny' }", not(hasKey("path")));
  }

  @Test
  void registrationBindsTheNameToTheDirectoryAndItsDigestForTheQuantizer() throws Exception {
    // the name is not the directory's name (HF downloads keep their repository names)
    Path dir = Path.of("target/test-models/Meta-Tiny-Base");
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"llama\"}");
      Files.write(dir.resolve("model.safetensors"), new byte[] {7, 7, 7});
    }
    String sha =
        as(ADMIN)
            .contentType("application/json")
            .body("{\"id\":\"tiny-named\",\"path\":\"target/test-models/Meta-Tiny-Base\"}")
            .post("/v1/models")
            .then()
            .statusCode(org.hamcrest.Matchers.anyOf(equalTo(200), equalTo(201)))
            .extract()
            .path("sha256");
    assertEquals(dev.cura.core.store.DirectoryDigest.of(dir.toRealPath()), sha, "the one formula");
    var entry =
        new dev.cura.core.models.ModelCatalog(
                Path.of(
                    org.eclipse.microprofile.config.ConfigProvider.getConfig()
                        .getValue("cura.artifact-root", String.class)))
            .get("tiny-named")
            .orElseThrow();
    assertEquals(dir.toRealPath(), entry.path());
    assertEquals(sha, entry.sha256());
  }

  @Test
  void createdJobIsPublishedOnceAndProjected() {
    registerTiny();
    String file = upload(acme(), CHAT + CHAT + CHAT);
    String id =
        as(acme())
            .contentType("application/json")
            .body(
                Map.of(
                    "model",
                    "tiny",
                    "training_file",
                    file,
                    "hyperparameters",
                    Map.of("lora_r", 8, "max_steps", 3),
                    "suffix",
                    "demo",
                    "seed",
                    7))
            .post("/v1/fine_tuning/jobs")
            .then()
            .statusCode(200)
            .body("object", equalTo("fine_tuning.job"))
            .body("status", equalTo("queued"))
            .body("hyperparameters.lora_r", equalTo(8))
            .body("adapter_name", equalTo("tiny-demo"))
            .extract()
            .path("id");
    var records = TestKafka.await(Topics.JOB_REQUESTED, r -> id.equals(r.key()), 1, WAIT);
    var request =
        (FineTuneRequested)
            CODEC.decode(TestKafka.headers(records.get(0)), records.get(0).value()).data();
    assertEquals("acme", request.tenant());
    assertEquals(8, request.lora().r());
    assertEquals(file, request.datasets().get(0).fileId());
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                as(acme())
                    .get("/v1/fine_tuning/jobs/" + id)
                    .then()
                    .body("status", equalTo("running"))
                    .body("stage", equalTo("quantizing")));
    // a redelivery of the request (same record) changes nothing
    var again =
        TestKafka.send(
            Topics.JOB_REQUESTED, id, TestKafka.headers(records.get(0)), records.get(0).value());
    TestKafka.awaitCommittedPast("cura-gateway", again, WAIT);
    assertEquals(
        1,
        as(acme())
            .get("/v1/fine_tuning/jobs/" + id + "/events")
            .jsonPath()
            .getList("data.message", String.class)
            .stream()
            .filter(m -> m.startsWith("Job is queued for the quantizer"))
            .count());
    // another tenant sees nothing
    as(ADMIN).get("/v1/fine_tuning/jobs/" + id).then().statusCode(404);
    as(acme())
        .get("/v1/fine_tuning/jobs?limit=1")
        .then()
        .statusCode(200)
        .body("data", hasSize(1))
        .body("object", equalTo("list"));

    // paging: 'after' lists what is older than the given job
    var ids =
        as(acme())
            .get("/v1/fine_tuning/jobs?limit=100")
            .jsonPath()
            .getList("data.id", String.class);
    as(acme())
        .get("/v1/fine_tuning/jobs?limit=100&after=" + ids.get(0))
        .then()
        .body("data.id", not(org.hamcrest.Matchers.hasItem(ids.get(0))))
        .body("data", hasSize(ids.size() - 1));
    as(acme())
        .get("/v1/fine_tuning/jobs?after=ftjob-unknown")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("after"));

    // cancel: status now, CancelRequested on the bus, idempotent
    as(acme())
        .post("/v1/fine_tuning/jobs/" + id + "/cancel")
        .then()
        .statusCode(200)
        .body("status", equalTo("cancelled"));
    as(acme())
        .post("/v1/fine_tuning/jobs/" + id + "/cancel")
        .then()
        .statusCode(200)
        .body("status", equalTo("cancelled"));
    TestKafka.await(Topics.JOB_CANCEL, r -> id.equals(r.key()), 1, WAIT);
    // the outbox relay published exactly one request for the job
    assertEquals(
        1,
        TestKafka.await(Topics.JOB_REQUESTED, r -> id.equals(r.key()), 1, Duration.ofSeconds(2))
            .size());
  }

  @Test
  void badRequestsAreClear400s() {
    registerTiny();
    String file = upload(acme(), CHAT);
    Map<String, Object> base = Map.of("model", "tiny", "training_file", file);
    record Case(Map<String, Object> extra, String param, String text) {}
    for (Case c :
        List.of(
            new Case(Map.of("model", "nope"), "model", "not a registered base model"),
            new Case(Map.of("training_file", "file-missing"), "training_file", "no file"),
            new Case(
                Map.of("hyperparameters", Map.of("lora_r", 0)), "hyperparameters.lora_r", "got 0"),
            new Case(
                Map.of("hyperparameters", Map.of("lora_dropout", 1.5)),
                "hyperparameters.lora_dropout",
                "1.5"),
            new Case(
                Map.of("hyperparameters", Map.of("lora_rank", 4)),
                "hyperparameters.lora_rank",
                "unknown"),
            new Case(Map.of("optimizer", "sgd"), "optimizer", "'sgd'"),
            new Case(
                Map.of("quantization", Map.of("type", "int8")),
                "quantization.type",
                "must be one of [nf4, fp4, none], got 'int8'"))) {
      var body = new java.util.HashMap<>(base);
      body.putAll(c.extra());
      as(acme())
          .contentType("application/json")
          .body(body)
          .post("/v1/fine_tuning/jobs")
          .then()
          .statusCode(400)
          .body("error.param", equalTo(c.param()))
          .body("error.message", containsString(c.text()))
          .body("error.message", not(containsString("Exception")));
    }
    as(acme())
        .contentType("application/json")
        .body("{\"model\":")
        .post("/v1/fine_tuning/jobs")
        .then()
        .statusCode(400)
        .body("error.code", equalTo("invalid_json"));
    as(acme())
        .contentType("application/json")
        .body("x".repeat(1_100_000))
        .post("/v1/fine_tuning/jobs")
        .then()
        .statusCode(413);
  }

  @Test
  void upstreamRequestDeliveredTwiceGivesOneJobAndLateEventsChangeNothing() {
    String job = "ftjob-up-" + UUID.randomUUID();
    FineTuneRequested request = SampleEvents.fineTuneRequested(job);
    var envelope = EventEnvelope.create("/upstream/crm", request);
    TestKafka.send(CODEC.encode(envelope));
    TestKafka.send(CODEC.encode(envelope)); // a redelivery: same event id
    TestKafka.send(CODEC.encode(EventEnvelope.create("/upstream/crm", request))); // a duplicate
    awaitJob(
        job,
        r ->
            r.statusCode(200)
                .body("status", equalTo("running"))
                .body("stage", equalTo("quantizing")));

    send(new TrainingProgress(job, 5, 0.5, 1.5, 1e-4, 100, 1 << 20, 10L, 60L));
    send(new AdapterRegistered(job, "default", "test-adapter", 3, SampleEvents.SHA_A));
    awaitJob(job, r -> r.body("status", equalTo("succeeded")));
    // late events: progress from a lagging partition, a stale failure
    send(new TrainingProgress(job, 9, 0.9, 1.1, 1e-4, 100, 1 << 20, 10L, 30L));
    var last =
        send(
            new dev.cura.events.JobFailed(
                job,
                dev.cura.events.JobFailed.Stage.TRAINING,
                dev.cura.events.JobFailed.Code.INTERNAL,
                "late"));
    TestKafka.awaitCommittedPast("cura-gateway", last, WAIT);
    Response r = as(ADMIN).get("/v1/fine_tuning/jobs/" + job);
    r.then()
        .body("status", equalTo("succeeded"))
        .body("fine_tuned_model", equalTo("test-adapter:3"))
        .body("error", nullValue())
        .body("estimated_finish", nullValue())
        .body("trained_steps", equalTo(5));
    long created =
        as(ADMIN)
            .get("/v1/fine_tuning/jobs/" + job + "/events?limit=100")
            .jsonPath()
            .getList("data.message", String.class)
            .stream()
            .filter(m -> m.startsWith("Job received"))
            .count();
    assertEquals(1, created, "one job, created once");
  }

  @Test
  void eventStreamDeliversLiveEventsAndEndsWithTheJob() throws Exception {
    String job = "ftjob-sse-" + UUID.randomUUID();
    send(SampleEvents.fineTuneRequested(job));
    awaitJob(job, r -> r.statusCode(200));
    CompletableFuture<String> body =
        CompletableFuture.supplyAsync(
            () ->
                as(ADMIN)
                    .accept("text/event-stream")
                    .get("/v1/fine_tuning/jobs/" + job + "/events")
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString());
    send(new TrainingProgress(job, 1, 0.1, 2.25, 1e-4, 100, 1 << 20, 2L, 5L));
    send(new dev.cura.events.CheckpointSaved(job, 1, SampleEvents.SHA_B, null));
    send(new AdapterRegistered(job, "default", "test-adapter", 1, SampleEvents.SHA_A));
    String sse = body.get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertTrue(sse.contains("event:metrics") || sse.contains("event: metrics"), sse);
    assertTrue(sse.contains("training loss=2.2500"), sse);
    assertTrue(sse.contains("Job succeeded"), sse);
    as(ADMIN)
        .get("/v1/fine_tuning/jobs/" + job + "/checkpoints")
        .then()
        .statusCode(200)
        .body("data", hasSize(1))
        .body("data[0].step_number", equalTo(1));
    // JSON page: newest first
    as(ADMIN)
        .get("/v1/fine_tuning/jobs/" + job + "/events?limit=1")
        .then()
        .body("data", hasSize(1))
        .body("has_more", equalTo(true))
        .body("data[0].message", containsString("succeeded"));
  }

  @Test
  void metricsAreExported() {
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("cura_jobs_submitted_total{outcome=\"accepted\"}"))
        .body(containsString("cura_jobs{status=\"running\"}"));
  }

  private static org.apache.kafka.clients.producer.RecordMetadata send(CuraEvent event) {
    return TestKafka.send(CODEC.encode(EventEnvelope.create("/test", event)));
  }
}
