package dev.cura.testinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsCatalogTest {
  @Test
  void readsTheCatalogPerService() {
    var registry = MetricsCatalog.familiesOf("registry-service");
    assertTrue(registry.contains("cura_registry_versions_total"));
    // the standard series the dashboards read count too, not only CURA's own meters
    assertTrue(registry.contains("http_server_requests_seconds"));
    assertTrue(registry.contains("jvm_memory_used_bytes"));
    assertThrows(IllegalStateException.class, () -> MetricsCatalog.familiesOf("no-such-service"));
  }

  @Test
  void findsFamiliesBySampleNameAndSuffix() {
    String text =
        """
        # HELP cura_registry_versions_total versions
        cura_registry_versions_total 2.0
        cura_events_dlq_total{service="registry"} 0.0
        jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.0E7
        process_cpu_usage 0.01
        http_server_requests_seconds_count{method="GET",outcome="SUCCESS",status="200",uri="/v1/adapters"} 0
        """;
    assertEquals(
        List.of("cura_registry_downloads_total", "kafka_consumer_fetch_manager_records_lag_max"),
        MetricsCatalog.missing("registry-service", text));
    assertEquals(2.0, MetricsCatalog.sample(text, "cura_registry_versions_total"));
    assertEquals(
        0.0,
        MetricsCatalog.sample(
            text,
            "http_server_requests_seconds_count{method=\"GET\",outcome=\"SUCCESS\","
                + "status=\"200\",uri=\"/v1/adapters\"}"));
    assertThrows(AssertionError.class, () -> MetricsCatalog.sample(text, "process_cpu"));
  }
}
