package dev.cura.quantizer;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cura.testinfra.KafkaTestResource;
import dev.cura.testinfra.MetricsCatalog;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A freshly started quantizer exports every {@code cura_*} family the dashboards and alerts query
 * (deploy/metrics-catalog.txt) before it has seen a record: its own profile gives it a fresh
 * application, and nothing here touches {@link QuantizationJobs} (whose constructor registers the
 * quantizer's meters) — a lazily created bean left them absent until the first job.
 */
@QuarkusTest
@TestProfile(QuantizerStartupMetricsTest.Fresh.class)
@WithTestResource(KafkaTestResource.class)
class QuantizerStartupMetricsTest {
  /** A profile of its own: Quarkus starts a new application for this class. */
  public static class Fresh implements QuarkusTestProfile {}

  @Test
  void everyDashboardFamilyIsExportedBeforeTheFirstJob() {
    String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
    assertEquals(List.of(), MetricsCatalog.missing("quantizer-service", metrics));
  }
}
