package dev.cura.trainer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cura.core.safetensors.SafetensorsFile;
import dev.cura.core.store.ArtifactStore;
import dev.cura.core.store.Sha256;
import dev.cura.engine.peft.PeftAdapter;
import dev.cura.events.AdapterTrained;
import dev.cura.events.CancelRequested;
import dev.cura.events.CheckpointSaved;
import dev.cura.events.ContentRef;
import dev.cura.events.CuraEvent;
import dev.cura.events.DatasetRef;
import dev.cura.events.EncodedEvent;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.FineTuneRequested;
import dev.cura.events.JobCancelled;
import dev.cura.events.JobFailed;
import dev.cura.events.LoraConfig;
import dev.cura.events.OptimizerConfig;
import dev.cura.events.QuantConfig;
import dev.cura.events.Topics;
import dev.cura.events.TrainingConfig;
import dev.cura.events.TrainingProgress;
import dev.cura.testinfra.KafkaTestResource;
import dev.cura.testinfra.MetricsCatalog;
import dev.cura.testinfra.SampleEvents;
import dev.cura.testinfra.TestKafka;
import dev.cura.trainer.job.HoldingEngine;
import dev.cura.trainer.job.TrainingPlan;
import dev.cura.trainer.job.TrainingWorker;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Training jobs end to end: CheckpointQuantized records through the real (in-JVM) broker,
 * cura-engine training a tiny NF4 base from the shared artifact store, events read back from the
 * topics.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class TrainerJobsTest {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String TRAIN_JSONL =
      """
      {"messages":[{"role":"user","content":"great video"},{"role":"assistant","content":"thank you!"}]}
      {"prompt":"first!","completion":" you were quick"}
      {"messages":[{"role":"user","content":"what mic?"},{"role":"assistant","content":"a cheap one"}]}
      """;

  private static final String VALID_JSONL =
      """
      {"prompt":"love it","completion":" glad to hear"}
      """;

  private final EventCodec codec = new EventCodec();
  private final ObjectMapper json = new ObjectMapper();

  @Inject TrainerLifecycle trainer;
  @Inject TestTrainingEngine testEngine;

  @Inject
  @Identifier(TrainerRebalanceListener.NAME)
  TrainerRebalanceListener rebalances;

  private HoldingEngine engine;
  private ArtifactStore store;
  private String baseKey;
  private String datasetSha;
  private String validationSha;

  @BeforeEach
  void storeHoldsBaseAndDataset() throws Exception {
    engine = testEngine.engine;
    store =
        new ArtifactStore(
            Path.of(ConfigProvider.getConfig().getValue("cura.artifact-root", String.class)));
    baseKey = TinyBase.put(store, Path.of(System.getProperty("java.io.tmpdir")));
    datasetSha = Sha256.ofString(TRAIN_JSONL);
    store.putIfAbsent(datasetSha, d -> Files.writeString(d.resolve("train.jsonl"), TRAIN_JSONL));
    validationSha = Sha256.ofString(VALID_JSONL);
    store.putIfAbsent(validationSha, d -> Files.writeString(d.resolve("valid.jsonl"), VALID_JSONL));
  }

  @Test
  void aJobPublishesProgressCheckpointsAndOneLoadableAdapter() throws Exception {
    String job = newJobId();
    var sent = TestKafka.send(encode(job, 4, 2, true));

    AdapterTrained trained = (AdapterTrained) decode(awaitOne(Topics.ADAPTER_TRAINED, job));
    awaitCommittedPast(sent);
    List<CuraEvent> progress = progressOf(job);
    List<TrainingProgress> steps =
        progress.stream()
            .filter(TrainingProgress.class::isInstance)
            .map(TrainingProgress.class::cast)
            .toList();
    assertEquals(List.of(1L, 2L, 3L, 4L), steps.stream().map(TrainingProgress::step).toList());
    assertNull(steps.get(0).etaSeconds(), "the first step also loaded the model: no ETA yet");
    assertEquals(0L, steps.get(3).etaSeconds());
    for (TrainingProgress p : steps) {
      assertTrue(Double.isFinite(p.loss()) && p.loss() > 0, "loss " + p.loss());
      assertTrue(p.tokensPerSecond() > 0 && p.peakMemoryBytes() > 0, p.toString());
      assertEquals(4L, p.totalSteps());
    }
    List<CheckpointSaved> saved = checkpointsOf(progress);
    assertEquals(List.of(2L, 4L), saved.stream().map(CheckpointSaved::step).toList());
    for (CheckpointSaved c : saved) {
      store.verify(c.digest());
    }

    // the adapter is in the store, in PEFT layout
    store.verify(trained.adapterDigest());
    assertEquals("cas:sha256/" + trained.adapterDigest(), trained.adapterUri());
    Path adapter = store.pathOf(trained.adapterDigest());
    JsonNode cfg = json.readTree(adapter.resolve("adapter_config.json").toFile());
    assertEquals("LORA", cfg.get("peft_type").asText());
    assertEquals("CAUSAL_LM", cfg.get("task_type").asText());
    assertEquals("cura-tiny", cfg.get("base_model_name_or_path").asText());
    assertEquals(2, cfg.get("r").asInt());
    assertEquals(7, cfg.get("target_modules").size());
    assertEquals(2, PeftAdapter.readConfig(adapter).rank(), "the engine reads it back");
    try (var st = SafetensorsFile.open(adapter.resolve("adapter_model.safetensors"))) {
      assertEquals(2 * 7 * 2, st.tensors().size(), st.tensors().keySet().toString());
      String a = "base_model.model.model.layers.1.self_attn.k_proj.lora_A.weight";
      String b = "base_model.model.model.layers.1.self_attn.k_proj.lora_B.weight";
      assertArrayEquals(new long[] {2, 32}, st.info(a).shape(), "lora_A [r, in]");
      assertArrayEquals(new long[] {16, 2}, st.info(b).shape(), "lora_B [out, r]");
    }
    assertTrue(trained.metrics().get("train_loss") > 0, trained.metrics().toString());
    assertEquals(4.0, trained.metrics().get("steps"));
    // the job object's trained_tokens: every step's token positions, so at least one per step
    assertTrue(trained.metrics().get("trained_tokens") >= 4, trained.metrics().toString());
    assertTrue(trained.metrics().get("eval_loss") > 0, "validation file evaluated");
    assertEquals(baseKey, trained.lineage().quantizedArtifactDigest());
    assertEquals(datasetSha, trained.lineage().datasets().get(0).sha256());
    assertEquals(new ContentRef("cura-tiny", "c".repeat(64)), trained.lineage().baseModel());
    assertNotNull(trained.lineage().codeVersion());

    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(
            containsString(
                "cura_train_steps_total{device=\"cpu\",optimizer=\"paged_adamw_32bit\"}"))
        .body(containsString("cura_train_tokens_per_second{device=\"cpu\"}"))
        .body(containsString("cura_train_loss{device=\"cpu\"}"))
        .body(containsString("cura_train_step_duration_seconds_count{device=\"cpu\""))
        .body(containsString("cura_train_checkpoint_duration_seconds_count{device=\"cpu\"}"))
        .body(containsString("cura_train_active_jobs"))
        .body(containsString("cura_optimizer_paged_bytes_total{optimizer=\"paged_adamw_32bit\"}"))
        .body(containsString("cura_train_peak_memory_bytes{device=\"cpu\"}"))
        .body(containsString("cura_train_jobs_total{outcome=\"trained\"}"));

    // every cura_* family the dashboards, alerts and KEDA query for the trainer is exported
    String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
    // the paged optimizer reports its paging traffic (at least the page its states were mapped in)
    var paged =
        java.util.regex.Pattern.compile(
                "cura_optimizer_paged_bytes_total\\{optimizer=\"paged_adamw_32bit\"} (\\S+)")
            .matcher(metrics);
    assertTrue(paged.find(), "paged bytes exported");
    assertTrue(Double.parseDouble(paged.group(1)) > 0, "paged bytes " + paged.group(1));
    assertEquals(List.of(), MetricsCatalog.missing("trainer-service", metrics));
  }

  @Test
  void theSameEventDeliveredTwiceGivesOneAdapter() throws Exception {
    String job = newJobId();
    EncodedEvent event = encode(job, 3, 2);
    TestKafka.send(event);
    var second = TestKafka.send(event);

    var published = TestKafka.await(Topics.ADAPTER_TRAINED, r -> job.equals(r.key()), 2, WAIT);
    assertEquals(
        TestKafka.headers(published.get(0)).get("ce_id"),
        TestKafka.headers(published.get(1)).get("ce_id"),
        "the same event, published again");
    assertEquals(decode(published.get(0)), decode(published.get(1)));
    assertEquals(1, engine.plansOf(job).size(), "trained once");
    awaitCommittedPast(second);
  }

  @Test
  void aTrainerStoppedMidJobResumesFromItsCheckpointWithExactlyOneAdapter() throws Exception {
    String job = newJobId();
    var sent = sendHeldAfterStep3(job, 6);

    try {
      assertTrue(trainer.worker().stop(Duration.ofSeconds(60)), "stopped within a step");
      assertEquals(List.of(new TrainingWorker.HeldJob(job, "waiting")), trainer.worker().jobs());
    } finally {
      trainer.worker().start();
    }

    awaitOne(Topics.ADAPTER_TRAINED, job);
    awaitCommittedPast(sent);
    List<TrainingPlan> plans = engine.plansOf(job);
    assertEquals(2, plans.size());
    assertNull(plans.get(0).resumeFrom());
    assertNotNull(plans.get(1).resumeFrom(), "the restart resumed from the checkpoint");
    List<CuraEvent> events = progressOf(job);
    List<Long> steps =
        events.stream()
            .filter(TrainingProgress.class::isInstance)
            .map(e -> ((TrainingProgress) e).step())
            .toList();
    assertEquals(LongStream.rangeClosed(1, 6).boxed().toList(), steps, "no step trained twice");
    assertEquals(
        List.of(2L, 3L, 4L, 6L),
        checkpointsOf(events).stream().map(CheckpointSaved::step).toList(),
        "checkpoints every 2 steps and at the end, plus one on stopping after step 3");
    assertEquals(1, TestKafka.readToEnd(Topics.ADAPTER_TRAINED, r -> job.equals(r.key())).size());

    // the resumed run is bit-exact: an uninterrupted run of the same settings stores the same
    // adapter
    String straight = newJobId();
    TestKafka.send(encode(straight, 6, 2));
    AdapterTrained resumed = (AdapterTrained) decode(awaitOne(Topics.ADAPTER_TRAINED, job));
    AdapterTrained uninterrupted =
        (AdapterTrained) decode(awaitOne(Topics.ADAPTER_TRAINED, straight));
    assertEquals(uninterrupted.adapterDigest(), resumed.adapterDigest());
  }

  @Test
  void cancelMidTrainingEndsTheJob() throws Exception {
    String job = newJobId();
    var sent = sendHeldAfterStep3(job, 50);

    TestKafka.send(
        codec.encode(
            EventEnvelope.create("/cura/gateway", new CancelRequested(job, "test", null))));

    // reported as cancelled (JobCancelled on cura.job.failed), never as a JobFailed
    JobCancelled cancelled = (JobCancelled) decode(awaitOne(Topics.JOB_FAILED, job));
    assertEquals(JobFailed.Stage.TRAINING, cancelled.stage());
    awaitCommittedPast(sent);
    assertTrue(TestKafka.readToEnd(Topics.ADAPTER_TRAINED, r -> job.equals(r.key())).isEmpty());
    assertEquals(
        List.of(2L),
        checkpointsOf(progressOf(job)).stream().map(CheckpointSaved::step).toList(),
        "the checkpoint written on the way out of a cancelled run is not kept");
  }

  @Test
  void aJobLongerThanThePollIntervalCausesNoRebalance() throws Exception {
    long pollInterval =
        ConfigProvider.getConfig()
            .getValue(
                "mp.messaging.incoming.checkpoint-quantized.max.poll.interval.ms", Long.class);
    String job = newJobId();
    var held = engine.holdAfterStep(job, 1);
    var sent = TestKafka.send(encode(job, 10, 5));
    assertTrue(held.await(WAIT.toSeconds(), TimeUnit.SECONDS), "job reached step 1");
    int before = rebalances.revocations();

    // the job keeps the record un-acked for well over max.poll.interval.ms
    Thread.sleep(pollInterval * 5 / 2);

    assertEquals(before, rebalances.revocations(), "no partition was taken from the trainer");
    assertEquals(List.of(new TrainingWorker.HeldJob(job, "running")), trainer.worker().jobs());
    TestKafka.send(
        codec.encode(
            EventEnvelope.create("/cura/gateway", new CancelRequested(job, "done", null))));
    awaitCommittedPast(sent);
    assertEquals(1, engine.plansOf(job).size(), "the record was never delivered again");
  }

  @Test
  void drainAnswersWithTheJobsHandedBackAndTurnsReadinessDown() {
    try {
      given().get("/q/health/ready").then().statusCode(200);
      given()
          .post("/v1/trainer/drain")
          .then()
          .statusCode(200)
          .body("handed_back.size()", equalTo(0));
      given().get("/q/health/ready").then().statusCode(503);
      given().get("/v1/trainer/status").then().body("drained", equalTo(true));
    } finally {
      trainer.worker().start();
    }
    given().get("/q/health/ready").then().statusCode(200);
  }

  @Test
  void drainFromAnotherHostIsRefused() {
    // a proxy on this host relays other callers: its X-Forwarded-For marks the call as not local
    given()
        .header("X-Forwarded-For", "203.0.113.7")
        .post("/v1/trainer/drain")
        .then()
        .statusCode(403)
        .body("error.type", equalTo("permission_error"))
        .body("error.code", equalTo("forbidden"));
    given().get("/q/health/ready").then().statusCode(200);
  }

  @Test
  void statusShowsCountsButNoJobsOrPaths() {
    String body =
        given()
            .get("/v1/trainer/status")
            .then()
            .statusCode(200)
            .body("device", equalTo("cpu"))
            .body("slots", equalTo(1))
            .body("held_jobs", equalTo(0))
            .extract()
            .asString();
    assertFalse(body.contains("ftjob-") || body.contains("/"), body);
  }

  /** Sends a job (checkpoint every 2 steps) that the engine holds after its step 3. */
  private RecordMetadata sendHeldAfterStep3(String job, int maxSteps) throws Exception {
    var held = engine.holdAfterStep(job, 3);
    var sent = TestKafka.send(encode(job, maxSteps, 2));
    assertTrue(held.await(WAIT.toSeconds(), TimeUnit.SECONDS), "job reached step 3");
    return sent;
  }

  private EncodedEvent encode(String job, int maxSteps, int checkpointEvery) {
    return encode(job, maxSteps, checkpointEvery, false);
  }

  private EncodedEvent encode(
      String job, int maxSteps, int checkpointEvery, boolean withValidation) {
    return encode(job, maxSteps, checkpointEvery, withValidation, 1, 64);
  }

  private EncodedEvent encode(
      String job,
      int maxSteps,
      int checkpointEvery,
      boolean withValidation,
      int batchSize,
      int seqLen) {
    var datasets =
        new java.util.ArrayList<>(
            List.of(new DatasetRef("file-train", "train", "cas:sha256/" + datasetSha, datasetSha)));
    if (withValidation) {
      datasets.add(
          new DatasetRef("file-valid", "validation", "cas:sha256/" + validationSha, validationSha));
    }
    var request =
        new FineTuneRequested(
            job,
            "tenant-a",
            new ContentRef("cura-tiny", "c".repeat(64)),
            datasets,
            new LoraConfig(2, 4.0, 0.0, null),
            new QuantConfig("nf4", true, 64),
            new OptimizerConfig("paged_adamw_32bit", 0.01, null),
            new TrainingConfig(1, batchSize, seqLen, 11L, maxSteps, checkpointEvery),
            "replies");
    var quantized = SampleEvents.checkpointQuantized(request, baseKey, store.uriOf(baseKey));
    return codec.encode(EventEnvelope.create("/cura/quantizer", quantized));
  }

  private List<CuraEvent> progressOf(String job) {
    return decodeAll(TestKafka.readToEnd(Topics.JOB_PROGRESS, r -> job.equals(r.key())));
  }

  private static List<CheckpointSaved> checkpointsOf(List<CuraEvent> events) {
    return events.stream()
        .filter(CheckpointSaved.class::isInstance)
        .map(CheckpointSaved.class::cast)
        .toList();
  }

  private ConsumerRecord<String, byte[]> awaitOne(String topic, String job) {
    return TestKafka.await(topic, r -> job.equals(r.key()), 1, WAIT).get(0);
  }

  /** Waits until the trainer acknowledged {@code record} (its group committed past it). */
  private void awaitCommittedPast(RecordMetadata record) {
    TestKafka.awaitCommittedPast("cura-trainer", record, WAIT);
  }

  private CuraEvent decode(ConsumerRecord<String, byte[]> r) {
    return codec.decode(TestKafka.headers(r), r.value()).data();
  }

  private List<CuraEvent> decodeAll(List<ConsumerRecord<String, byte[]>> records) {
    return records.stream().map(this::decode).toList();
  }

  private static String newJobId() {
    return "ftjob-" + UUID.randomUUID();
  }
}
