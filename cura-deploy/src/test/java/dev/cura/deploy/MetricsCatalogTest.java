package dev.cura.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cura.deploy.Queries.Query;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * deploy/metrics-catalog.txt lists every series family the dashboards, alert rules and KEDA
 * triggers query, and which service must export it; the service tests check the export side.
 */
class MetricsCatalogTest {

  static final String CATALOG = "deploy/metrics-catalog.txt";

  /** Series Prometheus makes itself; no service exports them. */
  static final Set<String> PROMETHEUS_SYNTHETIC = Set.of("up");

  /** family → services that must export it. */
  static Map<String, Set<String>> catalog() {
    Map<String, Set<String>> families = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    for (Repo.Row row : Repo.table(CATALOG, "FAMILY SERVICE")) {
      String[] fields = row.fields();
      int lineNo = row.number();
      String line = row.line();
      assertTrue(
          fields[0].matches("[a-z_:][a-z0-9_:]*"),
          () -> CATALOG + ":" + lineNo + ": not a Prometheus metric name: " + fields[0]);
      CuraContract.Service.byModule(fields[1]);
      assertTrue(seen.add(line), () -> CATALOG + ":" + lineNo + ": duplicate line " + line);
      families.computeIfAbsent(fields[0], k -> new TreeSet<>()).add(fields[1]);
    }
    return families;
  }

  @Test
  void everyQueriedSeriesIsInTheCatalog() {
    Set<String> families = catalog().keySet();
    List<String> missing = new ArrayList<>();
    int names = 0;
    for (Query q : Queries.all()) {
      for (String series : PromQl.metricNames(q.expr())) {
        names++;
        String family = PromQl.family(series, families);
        if (!families.contains(family) && !PROMETHEUS_SYNTHETIC.contains(series)) {
          missing.add(series + " (" + q.where() + ")");
        }
      }
    }
    assertTrue(
        names >= 30, "expected the dashboards and rules to query >= 30 series, read " + names);
    assertTrue(missing.isEmpty(), () -> "series queried but not in " + CATALOG + ": " + missing);
  }

  @Test
  void everyCatalogFamilyIsQueried() {
    Set<String> families = catalog().keySet();
    Set<String> used = new HashSet<>();
    for (Query q : Queries.all()) {
      PromQl.metricNames(q.expr()).forEach(s -> used.add(PromQl.family(s, families)));
    }
    Set<String> unused = new TreeSet<>(families);
    unused.removeAll(used);
    assertTrue(unused.isEmpty(), () -> CATALOG + " lists families nothing queries: " + unused);
  }

  @Test
  void curaFamiliesAreOwnedByTheServiceTheirNameSays() {
    Map<String, String> ownerByPrefix =
        Map.of(
            "cura_jobs", "gateway-service",
            "cura_quantize_", "quantizer-service",
            "cura_train_", "trainer-service",
            "cura_optimizer_", "trainer-service",
            "cura_registry_", "registry-service");
    catalog()
        .forEach(
            (family, services) -> {
              if (family.equals("cura_events_dlq_total")) {
                Set<String> all =
                    java.util.Arrays.stream(CuraContract.Service.values())
                        .map(s -> s.module)
                        .collect(Collectors.toSet());
                assertEquals(all, services, "every service dead-letters and counts it");
                return;
              }
              if (!family.startsWith("cura_")) {
                return;
              }
              String owner =
                  ownerByPrefix.entrySet().stream()
                      .filter(e -> family.startsWith(e.getKey()))
                      .map(Map.Entry::getValue)
                      .findFirst()
                      .orElseGet(() -> fail("no owning service known for " + family));
              assertEquals(Set.of(owner), services, family + " must be exported by " + owner);
            });
  }

  @Test
  void topicLabelsNameRealTopicsTheWayKafkaClientsTagThem() {
    // kafka-clients tags fetch metrics with the topic's '.' replaced by '_'
    Set<String> tagged =
        CuraContract.allTopics().stream().map(t -> t.replace('.', '_')).collect(Collectors.toSet());
    int checked = 0;
    for (Query q : Queries.all()) {
      for (String value : PromQl.labelValues(q.expr()).getOrDefault("topic", Set.of())) {
        checked++;
        boolean regex = value.contains(".*") || value.contains("|");
        String v = value;
        boolean ok = regex ? tagged.stream().anyMatch(t -> t.matches(v)) : tagged.contains(value);
        assertTrue(ok, () -> q.where() + ": topic=\"" + v + "\" matches no CURA topic " + tagged);
      }
    }
    assertTrue(
        checked >= 3, "expected topic matchers in the lag panels and alerts, saw " + checked);
  }

  @Test
  void jobLabelsNameServices() {
    Set<String> modules =
        java.util.Arrays.stream(CuraContract.Service.values())
            .map(s -> s.module)
            .collect(Collectors.toSet());
    for (Query q : Queries.all()) {
      for (String value : PromQl.labelValues(q.expr()).getOrDefault("job", Set.of())) {
        for (String alt : value.split("\\|")) {
          assertTrue(
              modules.contains(alt),
              () -> q.where() + ": job=\"" + value + "\" is not a service name " + modules);
        }
      }
    }
  }

  @Test
  void expressionsAreBalanced() {
    for (Query q : Queries.all()) {
      assertFalse(q.expr().isBlank(), () -> q.where() + ": empty expression");
      assertTrue(PromQl.balanced(q.expr()), () -> q.where() + ": unbalanced brackets: " + q.expr());
    }
  }
}
