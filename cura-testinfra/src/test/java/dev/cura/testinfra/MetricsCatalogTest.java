package dev.cura.testinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsCatalogTest {
  @Test
  void readsTheCatalogPerService() {
    assertTrue(
        MetricsCatalog.curaFamiliesOf("registry-service").contains("cura_registry_versions_total"));
    assertThrows(
        IllegalStateException.class, () -> MetricsCatalog.curaFamiliesOf("no-such-service"));
  }

  @Test
  void findsFamiliesBySampleNameAndSuffix() {
    String text =
        """
        # HELP cura_registry_versions_total versions
        cura_registry_versions_total 2.0
        cura_events_dlq_total{service="registry"} 0.0
        """;
    assertEquals(
        List.of("cura_registry_downloads_total"), MetricsCatalog.missing("registry-service", text));
  }
}
