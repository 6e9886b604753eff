package dev.cura.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.deploy.CuraContract.Service;
import dev.cura.deploy.Queries.Query;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Grafana dashboards, Prometheus scrape config and alert rules, in compose and in k8s. */
class MonitoringTest {

  @Test
  void dashboardsAreWellFormed() {
    List<Path> files = Queries.dashboardFiles();
    assertFalse(files.isEmpty(), "expected at least one dashboard in " + Queries.DASHBOARDS);
    Set<String> uids = new HashSet<>();
    for (Path file : files) {
      String name = file.getFileName().toString();
      JsonNode d = Repo.json(Queries.DASHBOARDS + "/" + name);
      assertTrue(uids.add(d.path("uid").asText()), name + ": missing or duplicate uid");
      assertFalse(d.path("title").asText().isBlank(), name + ": no title");
      boolean hasDatasourceVar = false;
      for (JsonNode v : d.path("templating").path("list")) {
        hasDatasourceVar |=
            "datasource".equals(v.path("type").asText())
                && "prometheus".equals(v.path("query").asText());
      }
      assertTrue(hasDatasourceVar, name + ": expected a Prometheus datasource variable");

      Set<Integer> ids = new HashSet<>();
      List<int[]> boxes = new ArrayList<>();
      for (JsonNode p : Queries.panels(d)) {
        String title = p.path("title").asText();
        assertTrue(ids.add(p.path("id").asInt(-1)), name + ": duplicate panel id in " + title);
        JsonNode g = p.path("gridPos");
        int x = g.path("x").asInt(), y = g.path("y").asInt(), w = g.path("w").asInt();
        int h = g.path("h").asInt();
        assertTrue(w > 0 && h > 0 && x >= 0 && x + w <= 24, name + ": bad gridPos of " + title);
        for (int[] b : boxes) {
          boolean overlap = x < b[0] + b[2] && b[0] < x + w && y < b[1] + b[3] && b[1] < y + h;
          assertFalse(overlap, name + ": panel '" + title + "' overlaps another");
        }
        boxes.add(new int[] {x, y, w, h});
        if ("row".equals(p.path("type").asText())) {
          continue;
        }
        assertEquals(
            "${datasource}",
            p.path("datasource").path("uid").asText(),
            name + ": panel '" + title + "' must use the datasource variable");
        assertFalse(p.path("targets").isEmpty(), name + ": panel '" + title + "' has no query");
        Set<String> refIds = new HashSet<>();
        for (JsonNode t : p.path("targets")) {
          assertTrue(refIds.add(t.path("refId").asText()), title + ": duplicate refId");
          assertFalse(t.path("expr").asText().isBlank(), title + ": empty expr");
        }
      }
    }
  }

  /** The list of what the dashboards show, as the series each needs. */
  @Test
  void dashboardsCoverTheOperationalQuestions() {
    Map<String, String> required =
        Map.ofEntries(
            Map.entry("jobs by status", "cura_jobs"),
            Map.entry("submissions/s", "cura_jobs_submitted_total"),
            Map.entry("queue lag per topic", "kafka_consumer_fetch_manager_records_lag_max"),
            Map.entry("quantization throughput", "cura_quantize_bytes_total"),
            Map.entry("cache hit rate", "cura_quantize_cache_total"),
            Map.entry("training loss", "cura_train_loss"),
            Map.entry("tokens/s", "cura_train_tokens_per_second"),
            Map.entry("step time", "cura_train_step_duration_seconds_count"),
            Map.entry("optimizer paging", "cura_optimizer_paged_bytes_total"),
            Map.entry("GPU/CPU memory", "cura_train_peak_memory_bytes"),
            Map.entry("JVM memory", "jvm_memory_used_bytes"),
            Map.entry("DLQ rates", "cura_events_dlq_total"),
            Map.entry("registry downloads", "cura_registry_downloads_total"),
            Map.entry("registry latency", "http_server_requests_seconds_count"));
    Set<String> queried = new TreeSet<>();
    Queries.dashboardQueries().forEach(q -> queried.addAll(PromQl.metricNames(q.expr())));
    required.forEach(
        (what, series) ->
            assertTrue(
                queried.contains(series),
                "no dashboard panel shows " + what + " (" + series + ")"));
  }

  @Test
  void alertRulesAreWellFormedAndCoverDlqStuckJobsAndTrainerLag() {
    List<JsonNode> rules = Queries.alertRules();
    Set<String> names = new HashSet<>();
    for (JsonNode r : rules) {
      String name = r.path("alert").asText();
      assertTrue(name.matches("Cura[A-Za-z]+"), "alert names are CuraSomething, got " + name);
      assertTrue(names.add(name), "duplicate alert " + name);
      assertTrue(r.path("for").asText().matches("\\d+[smh]"), name + ": 'for' must be a duration");
      assertTrue(
          Set.of("warning", "critical").contains(r.path("labels").path("severity").asText()),
          name + ": severity must be warning or critical");
      assertFalse(r.path("annotations").path("summary").asText().isBlank(), name + ": no summary");
    }
    assertTrue(anyAlertQueries("cura_events_dlq_total", null), "no alert on DLQ growth");
    assertTrue(anyAlertQueries("cura_jobs", null), "no alert on stuck jobs");
    assertTrue(
        anyAlertQueries("kafka_consumer_fetch_manager_records_lag_max", "trainer-service"),
        "no alert on trainer lag");
  }

  private static boolean anyAlertQueries(String series, String job) {
    for (Query q : Queries.alertQueries()) {
      if (PromQl.metricNames(q.expr()).contains(series)
          && (job == null
              || PromQl.labelValues(q.expr()).getOrDefault("job", Set.of()).contains(job))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void k8sCarriesTheSameDashboardsAndRules() throws IOException {
    Path k8sDashboards = Repo.existing("k8s/base/monitoring/dashboards");
    Set<String> deployNames = new TreeSet<>();
    for (Path file : Queries.dashboardFiles()) {
      String name = file.getFileName().toString();
      deployNames.add(name);
      Path copy = k8sDashboards.resolve(name);
      assertTrue(Files.exists(copy), "missing k8s copy of " + name + ": run deploy/sync-k8s.sh");
      assertArrayEquals(
          Files.readAllBytes(file),
          Files.readAllBytes(copy),
          name + " differs from its k8s copy: run deploy/sync-k8s.sh");
    }
    try (Stream<Path> files = Files.list(k8sDashboards)) {
      Set<String> k8sNames = new TreeSet<>();
      files.forEach(p -> k8sNames.add(p.getFileName().toString()));
      assertEquals(deployNames, k8sNames, "k8s dashboards must be exactly deploy's");
    }
    JsonNode kustomization = Repo.yaml("k8s/base/kustomization.yaml");
    Set<String> generated = new TreeSet<>();
    for (JsonNode gen : kustomization.path("configMapGenerator")) {
      if ("1".equals(gen.path("options").path("labels").path("grafana_dashboard").asText())) {
        gen.path("files").forEach(f -> generated.add(Path.of(f.asText()).getFileName().toString()));
      }
    }
    assertEquals(
        deployNames, generated, "every dashboard goes into the grafana_dashboard ConfigMap");

    JsonNode rule = Repo.yaml("k8s/base/monitoring/prometheusrule.yaml");
    assertEquals("PrometheusRule", rule.path("kind").asText());
    assertEquals(
        Repo.yaml(Queries.ALERTS).path("groups"),
        rule.path("spec").path("groups"),
        "PrometheusRule groups differ from " + Queries.ALERTS + ": run deploy/sync-k8s.sh");
  }

  @Test
  void composePrometheusScrapesEveryServiceAndLoadsTheRules() {
    JsonNode prom = Repo.yaml("deploy/prometheus/prometheus.yml");
    JsonNode compose = Compose.file();
    Map<String, String> mounts = Compose.bindMounts(compose.path("services").path("prometheus"));
    String alertsTarget = mounts.get("./" + Queries.ALERTS);
    assertTrue(alertsTarget != null, "compose must mount " + Queries.ALERTS + " into prometheus");
    Set<String> ruleFiles = new TreeSet<>();
    prom.path("rule_files").forEach(f -> ruleFiles.add(f.asText()));
    assertTrue(ruleFiles.contains(alertsTarget), "prometheus.yml must load " + alertsTarget);

    for (Service s : Service.values()) {
      JsonNode job = null;
      for (JsonNode j : prom.path("scrape_configs")) {
        if (s.module.equals(j.path("job_name").asText())) {
          job = j;
        }
      }
      assertTrue(job != null, "no scrape job named " + s.module + " (job label = service name)");
      assertEquals(CuraContract.METRICS_PATH, job.path("metrics_path").asText(), s.module);
      Set<String> targets = new TreeSet<>();
      job.path("static_configs")
          .forEach(c -> c.path("targets").forEach(t -> targets.add(t.asText())));
      assertEquals(Set.of(s.module + ":" + s.port), targets, s.module + " scrape target");
      assertTrue(compose.path("services").has(s.module), "scrape target is not a compose service");
    }
  }

  @Test
  void composeGrafanaProvisionsTheDashboards() {
    JsonNode compose = Compose.file();
    Map<String, String> mounts = Compose.bindMounts(compose.path("services").path("grafana"));
    String dashboardsTarget = mounts.get("./" + Queries.DASHBOARDS);
    assertTrue(
        dashboardsTarget != null, "compose must mount " + Queries.DASHBOARDS + " into grafana");
    assertEquals(
        "/etc/grafana/provisioning",
        mounts.get("./deploy/grafana/provisioning"),
        "grafana reads provisioning from /etc/grafana/provisioning");

    JsonNode providers = Repo.yaml("deploy/grafana/provisioning/dashboards/cura.yml");
    Set<String> paths = new TreeSet<>();
    providers.path("providers").forEach(p -> paths.add(p.path("options").path("path").asText()));
    assertEquals(Set.of(dashboardsTarget), paths, "dashboard provider path = compose mount target");

    JsonNode ds = Repo.yaml("deploy/grafana/provisioning/datasources/prometheus.yml");
    JsonNode source = ds.path("datasources").path(0);
    assertEquals("prometheus", source.path("type").asText());
    assertEquals("http://prometheus:9090", source.path("url").asText());
    assertTrue(
        Compose.ports(compose.path("services").path("prometheus")).contains(9090),
        "prometheus listens on 9090");
  }
}
