package dev.cura.registry;

import dev.cura.testinfra.KafkaPostgresTestResource;
import dev.cura.testinfra.PoisonContract;
import dev.cura.testinfra.PoisonRecords;
import dev.cura.testinfra.SampleEvents;
import io.cloudevents.core.message.Encoding;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The {@link PoisonContract} of the registry's consumer: poison of every kind on {@code
 * cura.adapter.trained}, then AdapterTrained events sent with the CloudEvents SDK are handled.
 */
@QuarkusTest
@WithTestResource(KafkaPostgresTestResource.class)
class RegistryPoisonTest extends PoisonContract {
  RegistryPoisonTest() {
    super(
        "registry",
        job ->
            PoisonRecords.of(
                SampleEvents.upstream(SampleEvents.adapterTrained(job)),
                SampleEvents.upstream(SampleEvents.cancelRequested(job))));
  }

  /** An adapter that is not in the store: handled (a JobFailed), then committed past. */
  @Override
  protected void sdkRecordsAreHandled(Encoding mode) {
    awaitJobFailedAndCommittedPast(SampleEvents.adapterTrained(jobId("rsdk", mode)), mode);
  }
}
