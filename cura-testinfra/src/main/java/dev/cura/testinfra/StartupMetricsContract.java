package dev.cura.testinfra;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A freshly started service exports every family the dashboards, alerts and KEDA triggers query for
 * it ({@link MetricsCatalog}: its {@code cura_*} meters, JVM, process and Kafka client series)
 * before it has seen a request or a record. Each service's {@code *StartupMetricsTest} extends it,
 * annotated {@code @TestProfile(StartupMetricsContract.Fresh.class)} so that Quarkus starts a new
 * application for it: one that earlier tests have not already made create its meters.
 */
public abstract class StartupMetricsContract {
  /** A profile of its own: Quarkus starts a new application for the class that names it. */
  public static class Fresh implements QuarkusTestProfile {}

  private final String module;

  /**
   * @param module the service's module, as {@code deploy/metrics-catalog.txt} names it, e.g. {@code
   *     gateway-service}
   */
  protected StartupMetricsContract(String module) {
    this.module = module;
  }

  @Test
  void everyDashboardFamilyIsExportedBeforeTheFirstJob() {
    String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
    assertEquals(List.of(), MetricsCatalog.missing(module, metrics));
  }
}
