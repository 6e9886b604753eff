package dev.cura.gateway;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cura.testinfra.KafkaPostgresTestResource;
import dev.cura.testinfra.MetricsCatalog;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A freshly started gateway exports every family the dashboards, alerts and KEDA triggers query for
 * it (deploy/metrics-catalog.txt: its cura_* meters, JVM, process and Kafka client series) before
 * it has seen a request or a record.
 */
@QuarkusTest
@TestProfile(GatewayStartupMetricsTest.Fresh.class)
@WithTestResource(KafkaPostgresTestResource.class)
class GatewayStartupMetricsTest {
  /** A profile of its own: Quarkus starts a new application for this class. */
  public static class Fresh implements QuarkusTestProfile {}

  @Test
  void everyDashboardFamilyIsExportedBeforeTheFirstJob() {
    String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
    assertEquals(List.of(), MetricsCatalog.missing("gateway-service", metrics));
  }
}
