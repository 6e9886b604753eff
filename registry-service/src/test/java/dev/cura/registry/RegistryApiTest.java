package dev.cura.registry;

import static dev.cura.testinfra.TestApi.ADMIN;
import static dev.cura.testinfra.TestApi.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cura.core.store.ArtifactStore;
import dev.cura.events.AdapterRegistered;
import dev.cura.events.AdapterTrained;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.JobFailed;
import dev.cura.events.Topics;
import dev.cura.registry.adapters.AdapterArtifacts;
import dev.cura.testinfra.KafkaPostgresTestResource;
import dev.cura.testinfra.SampleEvents;
import dev.cura.testinfra.TestApi;
import dev.cura.testinfra.TestKafka;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Versioning, verification, lineage, downloads and aliases against real Kafka and PostgreSQL. */
@QuarkusTest
@WithTestResource(KafkaPostgresTestResource.class)
class RegistryApiTest {
  static final Duration WAIT = Duration.ofSeconds(60);
  private static final EventCodec CODEC = new EventCodec();

  @ConfigProperty(name = "cura.artifact-root")
  String artifactRoot;

  /** A PEFT-shaped adapter in the store; returns its digest. */
  String storeAdapter(long seed) throws IOException {
    return storeAdapter(Path.of(artifactRoot), seed);
  }

  /** A PEFT-shaped adapter in the store under {@code root}; returns its digest. */
  static String storeAdapter(Path root, long seed) throws IOException {
    Path tmp = Files.createTempDirectory("adapter-");
    Files.writeString(
        tmp.resolve("adapter_config.json"),
        "{\"peft_type\":\"LORA\",\"r\":8,\"seed\":" + seed + "}");
    byte[] weights = new byte[4096];
    new Random(seed).nextBytes(weights);
    Files.write(tmp.resolve("adapter_model.safetensors"), weights);
    String digest = AdapterArtifacts.directoryDigest(tmp);
    new ArtifactStore(root)
        .putIfAbsent(
            digest,
            d -> {
              Files.copy(tmp.resolve("adapter_config.json"), d.resolve("adapter_config.json"));
              Files.copy(
                  tmp.resolve("adapter_model.safetensors"), d.resolve("adapter_model.safetensors"));
            });
    return digest;
  }

  static AdapterTrained trained(String job, String name, String digest) {
    AdapterTrained s = SampleEvents.adapterTrained(job);
    return new AdapterTrained(
        job, s.tenant(), name, digest, "cas:sha256/" + digest, s.metrics(), s.lineage());
  }

  static AdapterRegistered registered(String job) {
    var r = TestKafka.await(Topics.ADAPTER_REGISTERED, x -> job.equals(x.key()), 1, WAIT).get(0);
    return (AdapterRegistered) CODEC.decode(TestKafka.headers(r), r.value()).data();
  }

  @Test
  void redeliveredEventGetsTheSameVersionAndANewJobTheNext() throws IOException {
    String name = "ad-" + UUID.randomUUID().toString().substring(0, 8);
    String job1 = "ftjob-r1-" + UUID.randomUUID();
    String d1 = storeAdapter(1);
    var first = EventEnvelope.create("/test", trained(job1, name, d1));
    TestKafka.send(CODEC.encode(first));
    TestKafka.send(CODEC.encode(first)); // redelivery
    TestKafka.send(
        CODEC.encode(EventEnvelope.create("/test", trained(job1, name, d1)))); // duplicate
    var regs = TestKafka.await(Topics.ADAPTER_REGISTERED, x -> job1.equals(x.key()), 3, WAIT);
    for (var r : regs) {
      var e = (AdapterRegistered) CODEC.decode(TestKafka.headers(r), r.value()).data();
      assertEquals(1, e.version(), "every delivery of job 1 reports version 1");
      assertEquals(d1, e.digest());
    }
    String job2 = "ftjob-r2-" + UUID.randomUUID();
    TestKafka.send(
        CODEC.encode(EventEnvelope.create("/test", trained(job2, name, storeAdapter(2)))));
    assertEquals(2, registered(job2).version());

    as(ADMIN)
        .get("/v1/adapters/" + name + "/versions")
        .then()
        .statusCode(200)
        .body("data", hasSize(2))
        .body("data[0].version", equalTo(2));
    as(ADMIN)
        .get("/v1/adapters/" + name + "/versions/1")
        .then()
        .statusCode(200)
        .body("id", equalTo(name + ":1"))
        .body("job_id", equalTo(job1))
        .body("digest", equalTo(d1))
        .body("lineage.base_model.sha256", equalTo(SampleEvents.SHA_A))
        .body("lineage.quantized_artifact_digest", equalTo(SampleEvents.SHA_B))
        .body("lineage.datasets[0].sha256", equalTo(SampleEvents.SHA_B))
        .body("lineage.hyperparameters.lora.r", equalTo(16))
        .body("lineage.metrics.train_loss", equalTo(1.0f))
        .body("lineage.code_version", equalTo("0.1.0-test"))
        .body("lineage.created_at", org.hamcrest.Matchers.notNullValue());
    as(ADMIN).get("/v1/adapters/" + name + "/versions/latest").then().body("version", equalTo(2));
  }

  @Test
  void downloadsHaveEtagsAndRanges() throws IOException {
    String name = "dl-" + UUID.randomUUID().toString().substring(0, 8);
    String job = "ftjob-dl-" + UUID.randomUUID();
    String digest = storeAdapter(3);
    TestKafka.send(CODEC.encode(EventEnvelope.create("/test", trained(job, name, digest))));
    registered(job);
    byte[] whole =
        Files.readAllBytes(
            new ArtifactStore(Path.of(artifactRoot))
                .pathOf(digest)
                .resolve("adapter_model.safetensors"));
    String url = "/v1/adapters/" + name + "/versions/1/files/adapter_model.safetensors";
    var full = as(ADMIN).get(url);
    full.then().statusCode(200).header("Accept-Ranges", "bytes");
    assertArrayEquals(whole, full.asByteArray());
    String etag = full.header("ETag");
    assertEquals(
        "\""
            + dev.cura.core.store.Sha256.ofFile(
                new ArtifactStore(Path.of(artifactRoot))
                    .pathOf(digest)
                    .resolve("adapter_model.safetensors"))
            + "\"",
        etag);
    var part = as(ADMIN).header("Range", "bytes=100-199").get(url);
    part.then().statusCode(206).header("Content-Range", "bytes 100-199/4096");
    assertArrayEquals(Arrays.copyOfRange(whole, 100, 200), part.asByteArray());
    var tail = as(ADMIN).header("Range", "bytes=-10").get(url);
    tail.then().statusCode(206);
    assertArrayEquals(Arrays.copyOfRange(whole, 4086, 4096), tail.asByteArray());
    as(ADMIN)
        .header("Range", "bytes=5000-")
        .get(url)
        .then()
        .statusCode(416)
        .header("Content-Range", "bytes */4096");
    as(ADMIN).header("If-None-Match", etag).get(url).then().statusCode(304);
    as(ADMIN)
        .get("/v1/adapters/" + name + "/versions/1/files/adapter_config.json")
        .then()
        .statusCode(200)
        .body("peft_type", equalTo("LORA"));
    as(ADMIN).get("/v1/adapters/" + name + "/versions/1/files/secrets.txt").then().statusCode(404);
    given()
        .get("/q/metrics")
        .then()
        .body(containsString("cura_registry_downloads_total{file=\"adapter_model.safetensors\"}"));
    // downloads are timed on the download route's pre-registered series (AdapterRouteTimers)
    double downloads =
        dev.cura.testinfra.MetricsCatalog.sample(
            given().get("/q/metrics").asString(),
            "http_server_requests_seconds_count{method=\"GET\",outcome=\"SUCCESS\",status=\"200\","
                + "uri=\"/v1/adapters/{name}/versions/{v}/files/{file}\"}");
    org.junit.jupiter.api.Assertions.assertTrue(downloads >= 1, "downloads timed: " + downloads);
  }

  @Test
  void aliasesTenantsAndKeys() throws IOException {
    String name = "al-" + UUID.randomUUID().toString().substring(0, 8);
    String job = "ftjob-al-" + UUID.randomUUID();
    TestKafka.send(
        CODEC.encode(EventEnvelope.create("/test", trained(job, name, storeAdapter(4)))));
    registered(job);
    as(ADMIN)
        .contentType("application/json")
        .body("{\"version\":1}")
        .put("/v1/adapters/" + name + "/aliases/prod")
        .then()
        .statusCode(200)
        .body("version", equalTo(1));
    as(ADMIN)
        .get("/v1/adapters/" + name + "/aliases/prod")
        .then()
        .statusCode(200)
        .body("version", equalTo(1));
    as(ADMIN)
        .get("/v1/adapters/" + name + "/versions/prod")
        .then()
        .statusCode(200)
        .body("version", equalTo(1));
    as(ADMIN)
        .contentType("application/json")
        .body("{\"version\":7}")
        .put("/v1/adapters/" + name + "/aliases/prod")
        .then()
        .statusCode(404);
    as(ADMIN)
        .contentType("application/json")
        .body("{\"version\":1}")
        .put("/v1/adapters/" + name + "/aliases/Bad!")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("alias"));

    String other = TestApi.newKey("globex");
    as(other)
        .get("/v1/adapters/" + name + "/versions/1")
        .then()
        .statusCode(404)
        .body("error.code", equalTo("not_found"));
    as(other).get("/v1/adapters").then().statusCode(200).body("data", hasSize(0));
    as(other)
        .contentType("application/json")
        .body("{\"tenant\":\"x\"}")
        .post("/v1/admin/keys")
        .then()
        .statusCode(403);
    as("cura-wrong-key-0000000000000000")
        .get("/v1/adapters")
        .then()
        .statusCode(401)
        .body("error.code", equalTo("invalid_api_key"));
    given().get("/v1/adapters").then().statusCode(401);
  }

  @Test
  void artifactThatDoesNotVerifyFailsTheJob() {
    String job = "ftjob-bad-" + UUID.randomUUID();
    String missing = "c".repeat(64);
    TestKafka.send(
        CODEC.encode(
            EventEnvelope.create("/test", trained(job, "bad-" + job.substring(10, 18), missing))));
    var r = TestKafka.await(Topics.JOB_FAILED, x -> job.equals(x.key()), 1, WAIT).get(0);
    var failed = (JobFailed) CODEC.decode(TestKafka.headers(r), r.value()).data();
    assertEquals(JobFailed.Stage.REGISTERING, failed.stage());
    assertEquals(true, failed.message().contains("not in the artifact store"), failed.message());
  }
}
