package dev.cura.gateway;

import static dev.cura.gateway.GatewayApiTest.CHAT;
import static dev.cura.gateway.GatewayApiTest.WAIT;
import static dev.cura.testinfra.TestApi.ADMIN;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.AutoPager;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileDeleted;
import com.openai.models.files.FileListParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import com.openai.models.finetuning.jobs.FineTuningJob;
import com.openai.models.finetuning.jobs.FineTuningJobEvent;
import com.openai.models.finetuning.jobs.JobCreateParams;
import com.openai.models.finetuning.jobs.JobListEventsParams;
import com.openai.models.finetuning.jobs.JobListParams;
import com.openai.models.finetuning.jobs.checkpoints.CheckpointListParams;
import com.openai.models.finetuning.jobs.checkpoints.FineTuningJobCheckpoint;
import com.openai.models.finetuning.methods.DpoMethod;
import com.openai.models.finetuning.methods.SupervisedHyperparameters;
import com.openai.models.finetuning.methods.SupervisedMethod;
import dev.cura.events.AdapterRegistered;
import dev.cura.events.CheckpointSaved;
import dev.cura.events.CuraEvent;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.TrainingProgress;
import dev.cura.testinfra.KafkaPostgresTestResource;
import dev.cura.testinfra.SampleEvents;
import dev.cura.testinfra.TestKafka;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK ({@code com.openai:openai-java}) as a real client of the gateway:
 * every files and fine-tuning call it offers, with response validation on (the SDK checks each
 * response against its model: required fields, enum values, types) and {@code validate()} called on
 * every object, auto-pagination across pages, and typed errors.
 */
@QuarkusTest
@WithTestResource(KafkaPostgresTestResource.class)
class OpenAiSdkTest {
  private static final EventCodec CODEC = new EventCodec();
  private static final Set<String> OPENAI_STATUSES =
      Set.of("validating_files", "queued", "running", "succeeded", "failed", "cancelled");

  @TestHTTPResource("/v1")
  URL base;

  @BeforeAll
  static void model() throws Exception {
    GatewayApiTest.models();
  }

  private OpenAIClient client(String key) {
    GatewayApiTest.registerTiny();
    return OpenAIOkHttpClient.builder()
        .baseUrl(base.toString())
        .apiKey(key)
        .responseValidation(true)
        .maxRetries(2)
        .build();
  }

  /** Uploads a fine-tune file of {@code examples} chat examples through the SDK. */
  private static FileObject upload(OpenAIClient client, String name, int examples)
      throws Exception {
    Path file = Files.createTempFile(name, ".jsonl");
    Files.writeString(file, CHAT.repeat(examples));
    return client
        .files()
        .create(FileCreateParams.builder().file(file).purpose(FilePurpose.FINE_TUNE).build());
  }

  @Test
  void filesCreateRetrieveListPagedContentAndDelete() throws Exception {
    OpenAIClient client = client(GatewayApiTest.acme());
    var ids = new ArrayList<String>();
    for (int i = 1; i <= 3; i++) {
      FileObject f = upload(client, "sdk-" + i + "-", i).validate();
      assertEquals(FileObject.Purpose.FINE_TUNE, f.purpose());
      assertEquals(FileObject.Status.PROCESSED, f.status());
      ids.add(f.id());
    }
    FileObject got = client.files().retrieve(ids.get(1)).validate();
    assertEquals(CHAT.repeat(2).getBytes(StandardCharsets.UTF_8).length, got.bytes());

    // limit 1: the auto-pager follows has_more/after through every page, newest first
    List<String> listed =
        everyItem(
                client.files().list(FileListParams.builder().limit(1).build()).autoPager(),
                FileObject::validate)
            .stream()
            .map(FileObject::id)
            .toList();
    assertEquals(
        List.of(ids.get(2), ids.get(1), ids.get(0)),
        listed.stream().filter(ids::contains).toList());
    assertEquals(listed.size(), new HashSet<>(listed).size(), "no file listed twice");

    try (var content = client.files().content(ids.get(2))) {
      assertArrayEquals(
          CHAT.repeat(3).getBytes(StandardCharsets.UTF_8), content.body().readAllBytes());
    }

    FileDeleted deleted = client.files().delete(ids.get(0)).validate();
    assertTrue(deleted.deleted());
    assertThrows(NotFoundException.class, () -> client.files().retrieve(ids.get(0)));
  }

  @Test
  void jobsCreateRetrieveListEventsCheckpointsAndCancel() throws Exception {
    OpenAIClient client = client(ADMIN);
    String file = upload(client, "sdk-job-", 4).id();
    var created = new ArrayList<FineTuningJob>();
    for (int i = 0; i < 3; i++) {
      created.add(client.fineTuning().jobs().create(supervised(file, i)).validate());
    }
    FineTuningJob job = created.get(0);
    assertEquals("default", job.organizationId());
    assertTrue(OPENAI_STATUSES.contains(job.status().asString()), job.status().asString());
    assertEquals(file, job.trainingFile());
    assertEquals(7L, job.seed());
    var hp = job.hyperparameters();
    assertEquals(2.0, hp.learningRateMultiplier().orElseThrow().asNumber(), 1e-12);
    assertEquals(2L, hp.batchSize().orElseThrow().asInteger());
    assertEquals(JsonValue.from(25), hp._additionalProperties().get("checkpoint_every"));
    assertEquals("supervised", job.method().orElseThrow().type().asString());

    FineTuningJob again = client.fineTuning().jobs().retrieve(job.id()).validate();
    assertEquals(job.id(), again.id());

    // auto-pagination over jobs, newest first
    List<String> listed =
        everyItem(
                client
                    .fineTuning()
                    .jobs()
                    .list(JobListParams.builder().limit(1).build())
                    .autoPager(),
                FineTuningJob::validate)
            .stream()
            .map(FineTuningJob::id)
            .toList();
    assertEquals(
        List.of(created.get(2).id(), created.get(1).id(), created.get(0).id()),
        listed.stream().filter(id -> created.stream().anyMatch(c -> c.id().equals(id))).toList());

    // the trainer's events: progress and a checkpoint at step 5, then the registry's
    send(new TrainingProgress(job.id(), 5, 0.5, 1.25, 4e-4, 100, 1 << 20, 10L, 60L));
    send(new CheckpointSaved(job.id(), 5, SampleEvents.SHA_A, "cas:sha256/" + SampleEvents.SHA_A));
    await().atMost(WAIT).until(() -> checkpoints(client, job.id()).size() == 1);
    FineTuningJobCheckpoint ckpt = checkpoints(client, job.id()).get(0);
    assertEquals(5, ckpt.stepNumber());
    assertEquals(job.id(), ckpt.fineTuningJobId());
    assertEquals(1.25, ckpt.metrics().trainLoss().orElseThrow(), 1e-12);
    assertTrue(ckpt.fineTunedModelCheckpoint().endsWith(":ckpt-step-5"));
    assertFalse(ckpt._additionalProperties().toString().contains("/srv/"), "no server path");

    send(new AdapterRegistered(job.id(), "default", "tiny-sdk", 1, SampleEvents.SHA_A));
    await()
        .atMost(WAIT)
        .until(
            () ->
                client
                    .fineTuning()
                    .jobs()
                    .retrieve(job.id())
                    .validate()
                    .status()
                    .equals(FineTuningJob.Status.SUCCEEDED));
    FineTuningJob done = client.fineTuning().jobs().retrieve(job.id()).validate();
    assertEquals("tiny-sdk:1", done.fineTunedModel().orElseThrow());

    // events, two a page, through every page; types only message|metrics, CURA's kind in data
    List<FineTuningJobEvent> events =
        everyItem(
            client
                .fineTuning()
                .jobs()
                .listEvents(
                    JobListEventsParams.builder().fineTuningJobId(job.id()).limit(2).build())
                .autoPager(),
            FineTuningJobEvent::validate);
    assertTrue(events.size() >= 5, "events: " + events);
    assertTrue(
        events.stream()
            .anyMatch(e -> e.type().orElseThrow().equals(FineTuningJobEvent.Type.METRICS)));
    assertTrue(
        events.stream().anyMatch(e -> e._data().toString().contains("checkpoint")),
        "a checkpoint event says so in its data");
    assertFalse(events.toString().contains("/srv/"), "no server path in events");

    // cancel an unfinished job; a finished one is a permanent conflict, not retried
    FineTuningJob cancelled = client.fineTuning().jobs().cancel(created.get(1).id()).validate();
    assertEquals(FineTuningJob.Status.CANCELLED, cancelled.status());
    var conflict =
        assertThrows(
            OpenAIServiceException.class, () -> client.fineTuning().jobs().cancel(job.id()));
    assertEquals(409, conflict.statusCode());
    assertEquals("job_finished", conflict.code().orElseThrow());
    assertEquals(List.of("false"), conflict.headers().values("x-should-retry"));
  }

  @Test
  void errorsAreTypedAndNameTheField() throws Exception {
    OpenAIClient client = client(ADMIN);
    String file = upload(client, "sdk-err-", 1).id();
    var dpo =
        assertThrows(
            BadRequestException.class,
            () ->
                client
                    .fineTuning()
                    .jobs()
                    .create(
                        JobCreateParams.builder()
                            .model("tiny")
                            .trainingFile(file)
                            .method(
                                JobCreateParams.Method.builder()
                                    .type(JobCreateParams.Method.Type.DPO)
                                    .dpo(DpoMethod.builder().build())
                                    .build())
                            .build()));
    assertEquals("method.type", dpo.param().orElseThrow());
    var missing =
        assertThrows(
            NotFoundException.class, () -> client.fineTuning().jobs().retrieve("ftjob-nope"));
    assertTrue(missing.getMessage().contains("ftjob-nope"), missing.getMessage());
    String job = client.fineTuning().jobs().create(supervised(file, 9)).id();
    var pause =
        assertThrows(BadRequestException.class, () -> client.fineTuning().jobs().pause(job));
    assertEquals("unsupported_operation", pause.code().orElseThrow());
    assertThrows(BadRequestException.class, () -> client.fineTuning().jobs().resume(job));
    assertThrows(
        UnauthorizedException.class,
        () -> client("wrong-key-0123456789abcdef").fineTuning().jobs().list());
  }

  private static JobCreateParams supervised(String file, int i) {
    return JobCreateParams.builder()
        .model("tiny")
        .trainingFile(file)
        .suffix("sdk" + i)
        .seed(7L)
        .method(
            JobCreateParams.Method.builder()
                .type(JobCreateParams.Method.Type.SUPERVISED)
                .supervised(
                    SupervisedMethod.builder()
                        .hyperparameters(
                            SupervisedHyperparameters.builder()
                                .batchSize(2L)
                                .learningRateMultiplier(2.0)
                                .nEpochs(1L)
                                .putAdditionalProperty("checkpoint_every", JsonValue.from(25))
                                .putAdditionalProperty("max_steps", JsonValue.from(10))
                                .build())
                        .build())
                .build())
        .build();
  }

  private static List<FineTuningJobCheckpoint> checkpoints(OpenAIClient client, String job) {
    return everyItem(
        client
            .fineTuning()
            .jobs()
            .checkpoints()
            .list(CheckpointListParams.builder().fineTuningJobId(job).limit(1).build())
            .autoPager(),
        FineTuningJobCheckpoint::validate);
  }

  /**
   * Every item of a list, in order, as the SDK's auto-pager fetches them (following {@code
   * has_more} and {@code after} from page to page), each validated against the SDK's model.
   */
  private static <T> List<T> everyItem(AutoPager<T> pages, UnaryOperator<T> validate) {
    var out = new ArrayList<T>();
    pages.forEach(item -> out.add(validate.apply(item)));
    return out;
  }

  private static void send(CuraEvent event) {
    TestKafka.send(CODEC.encode(EventEnvelope.create("/cura/test", event)));
  }
}
