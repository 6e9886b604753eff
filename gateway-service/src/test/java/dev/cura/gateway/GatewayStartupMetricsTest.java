package dev.cura.gateway;

import dev.cura.testinfra.KafkaPostgresTestResource;
import dev.cura.testinfra.StartupMetricsContract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The {@link StartupMetricsContract} of the gateway. */
@QuarkusTest
@TestProfile(StartupMetricsContract.Fresh.class)
@WithTestResource(KafkaPostgresTestResource.class)
class GatewayStartupMetricsTest extends StartupMetricsContract {
  GatewayStartupMetricsTest() {
    super("gateway-service");
  }
}
