package dev.cura.quantizer;

import dev.cura.events.CuraEvent;
import dev.cura.events.JobFailed;
import dev.cura.quantizer.messaging.EventPublisher;
import dev.cura.testinfra.KafkaTestResource;
import dev.cura.testinfra.MessagingContract;
import dev.cura.testinfra.SampleEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * The quantizer's Kafka wiring against the real (in-JVM) broker: the {@link MessagingContract} with
 * JobFailed published and FineTuneRequested consumed.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class QuantizerMessagingTest extends MessagingContract {
  @Inject EventPublisher publisher;

  @Override
  protected String service() {
    return "quantizer";
  }

  @Override
  protected CuraEvent published(String job) {
    return new JobFailed(job, JobFailed.Stage.QUANTIZING, JobFailed.Code.INTERNAL, "disk");
  }

  @Override
  protected void publish(CuraEvent event) {
    publisher.publish(event).await().atMost(WAIT);
  }

  @Override
  protected CuraEvent consumed(String job) {
    return SampleEvents.fineTuneRequested(job);
  }
}
