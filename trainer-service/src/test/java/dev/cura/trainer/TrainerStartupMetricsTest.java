package dev.cura.trainer;

import dev.cura.testinfra.KafkaTestResource;
import dev.cura.testinfra.StartupMetricsContract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The {@link StartupMetricsContract} of the trainer. */
@QuarkusTest
@TestProfile(StartupMetricsContract.Fresh.class)
@WithTestResource(KafkaTestResource.class)
class TrainerStartupMetricsTest extends StartupMetricsContract {
  TrainerStartupMetricsTest() {
    super("trainer-service");
  }
}
