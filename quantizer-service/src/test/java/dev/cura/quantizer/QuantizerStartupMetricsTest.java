package dev.cura.quantizer;

import dev.cura.testinfra.KafkaTestResource;
import dev.cura.testinfra.StartupMetricsContract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The {@link StartupMetricsContract} of the quantizer: nothing here touches {@link
 * QuantizationJobs} (whose constructor registers the quantizer's meters) — a lazily created bean
 * left them absent until the first job.
 */
@QuarkusTest
@TestProfile(StartupMetricsContract.Fresh.class)
@WithTestResource(KafkaTestResource.class)
class QuantizerStartupMetricsTest extends StartupMetricsContract {
  QuantizerStartupMetricsTest() {
    super("quantizer-service");
  }
}
