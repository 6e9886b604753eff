package dev.cura.testinfra;

import static io.restassured.RestAssured.given;

import dev.cura.events.CuraEvent;
import dev.cura.events.Topics;
import io.cloudevents.core.message.Encoding;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/**
 * No record stops a service's consumers: poison of every kind ({@link PoisonRecords}) on the topics
 * it reads is dead-lettered to {@code cura.dlq.<service>} with its error code while readiness stays
 * UP, and records sent afterwards with the CloudEvents SDK ({@link CloudEventsSdk}), in structured
 * and in binary mode, are still handled. Each service's {@code *PoisonTest} extends it, names its
 * poison and says what handled means for it.
 */
public abstract class PoisonContract {
  protected static final Duration WAIT = Duration.ofSeconds(90);

  private final String service;
  private final Function<String, List<PoisonRecords.Poison>> poisons;

  /**
   * @param service the service's name, e.g. {@code quantizer}
   * @param poisons the poison records for the topics it reads, made from events of the given job
   */
  protected PoisonContract(String service, Function<String, List<PoisonRecords.Poison>> poisons) {
    this.service = service;
    this.poisons = poisons;
  }

  /** Sends records with the SDK in {@code mode}, after the poison, and waits until handled. */
  protected abstract void sdkRecordsAreHandled(Encoding mode) throws Exception;

  @Test
  void poisonIsDeadLetteredAndSdkRecordsOfBothModesAreHandled() throws Exception {
    String job = "ftjob-" + service + "-poison-" + UUID.randomUUID();
    PoisonRecords.deadLetterAll(service, poisons.apply(job), WAIT);
    for (Encoding mode : new Encoding[] {Encoding.STRUCTURED, Encoding.BINARY}) {
      sdkRecordsAreHandled(mode);
    }
    given().get("/q/health/ready").then().statusCode(200);
    given().get("/q/health/live").then().statusCode(200);
  }

  /** A fresh job id for a record sent in {@code mode}: {@code ftjob-<what>-<mode>-<uuid>}. */
  protected static String jobId(String what, Encoding mode) {
    return "ftjob-" + what + "-" + mode.name().toLowerCase(Locale.ROOT) + "-" + UUID.randomUUID();
  }

  /**
   * Sends {@code event} with the SDK in {@code mode} and waits until the service has handled it by
   * failing its job (a {@code JobFailed}, e.g. for an artifact that is not in the store) and its
   * group has committed past it.
   */
  protected void awaitJobFailedAndCommittedPast(CuraEvent event, Encoding mode) {
    RecordMetadata sent = CloudEventsSdk.send(SampleEvents.upstream(event), mode);
    TestKafka.await(Topics.JOB_FAILED, r -> event.jobId().equals(r.key()), 1, WAIT);
    TestKafka.awaitCommittedPast("cura-" + service, sent, WAIT);
  }
}
