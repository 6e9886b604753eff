package dev.cura.quantizer;

import dev.cura.events.JobFailed;
import dev.cura.testinfra.KafkaTestResource;
import dev.cura.testinfra.MessagingContract;
import dev.cura.testinfra.SampleEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The quantizer's Kafka wiring against the real (in-JVM) broker: the {@link MessagingContract} with
 * JobFailed published and FineTuneRequested consumed.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class QuantizerMessagingTest extends MessagingContract {
  QuantizerMessagingTest() {
    super(
        "quantizer",
        job -> new JobFailed(job, JobFailed.Stage.QUANTIZING, JobFailed.Code.INTERNAL, "disk"),
        SampleEvents::fineTuneRequested);
  }
}
