package dev.cura.registry.adapters;

import static dev.cura.testinfra.TestApi.ADMIN;
import static dev.cura.testinfra.TestApi.as;
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
 * A freshly started registry exports every family the dashboards and alerts query for it
 * (deploy/metrics-catalog.txt) before its first request, including the HTTP server timer of its
 * adapter routes; and the first request increments that pre-registered series (same tags) rather
 * than creating another one.
 */
@QuarkusTest
@TestProfile(RegistryStartupMetricsTest.Fresh.class)
@WithTestResource(KafkaPostgresTestResource.class)
class RegistryStartupMetricsTest {
  /** A profile of its own: Quarkus starts a new application for this class. */
  public static class Fresh implements QuarkusTestProfile {}

  static final String LIST_SERIES =
      "http_server_requests_seconds_count{method=\"GET\",outcome=\"SUCCESS\",status=\"200\","
          + "uri=\"/v1/adapters\"}";

  @Test
  void everyDashboardFamilyIsExportedBeforeTheFirstRequest() {
    // /q/metrics itself is a non-application path: Quarkus does not time it
    String before = given().get("/q/metrics").then().statusCode(200).extract().asString();
    assertEquals(List.of(), MetricsCatalog.missing("registry-service", before));
    assertEquals(0.0, MetricsCatalog.sample(before, LIST_SERIES));

    as(ADMIN).get("/v1/adapters").then().statusCode(200);
    String after = given().get("/q/metrics").then().statusCode(200).extract().asString();
    assertEquals(
        1.0,
        MetricsCatalog.sample(after, LIST_SERIES),
        "the request counted on the pre-registered series");
    long listSeries =
        after.lines().filter(l -> l.startsWith("http_server_requests_seconds_count{")).count();
    assertEquals(
        (long) AdapterRouteTimers.routes(AdaptersResource.class).size(),
        listSeries,
        "one series per adapter route, none added by the first request:\n" + after);
  }
}
