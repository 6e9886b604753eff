package dev.cura.trainer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import dev.cura.events.CuraEvent;
import dev.cura.events.EncodedEvent;
import dev.cura.events.JobFailed;
import dev.cura.testinfra.KafkaTestResource;
import dev.cura.testinfra.MessagingContract;
import dev.cura.testinfra.SampleEvents;
import dev.cura.trainer.messaging.EventPublisher;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * The trainer's Kafka wiring against the real (in-JVM) broker: the {@link MessagingContract} with
 * JobFailed published and CheckpointQuantized consumed, counted in the events metric.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class TrainerMessagingTest extends MessagingContract {
  @Inject EventPublisher publisher;

  @Override
  protected String service() {
    return "trainer";
  }

  @Override
  protected CuraEvent published(String job) {
    return new JobFailed(job, JobFailed.Stage.TRAINING, JobFailed.Code.INTERNAL, "disk");
  }

  @Override
  protected void publish(CuraEvent event) {
    publisher.publish(event).await().atMost(WAIT);
  }

  @Override
  protected CuraEvent consumed(String job) {
    return SampleEvents.checkpointQuantized(job);
  }

  @Override
  protected Poison secondPoison(EncodedEvent good) {
    return unknownType(good);
  }

  @Override
  protected void assertGoodRecordHandled(String key) {
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(
            containsString(
                "cura_events_consumed_total{outcome=\"ok\",type=\"CheckpointQuantized\"}"))
        .body(
            containsString("cura_events_consumed_total{outcome=\"dead_letter\",type=\"invalid\"}"));
  }

  @Test
  void healthOpenApiAndMetricsAreServed() {
    given().get("/q/health/ready").then().statusCode(200);
    given().get("/q/health/live").then().statusCode(200);
    given().get("/q/openapi").then().statusCode(200).body(containsString("openapi"));
    given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory"));
  }
}
