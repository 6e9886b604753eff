package dev.cura.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.deploy.Queries.Query;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus' own checker on the rules, the scrape config and every dashboard and KEDA query, plus
 * the alert unit tests (deploy/prometheus/alerts.test.yml). Needs promtool (Debian package
 * prometheus); skipped without it.
 */
class PromtoolTest {

  static final String HINT = "apt-get install -y --no-install-recommends prometheus";

  @Test
  void alertRulesParseAndBehaveAsTheirUnitTestsSay() {
    Path promtool = Tools.require("promtool", HINT);
    Path dir = Repo.path("deploy/prometheus");
    Tools.Result check =
        Tools.run(dir, List.of(promtool.toString(), "check", "rules", "alerts.yml"));
    assertEquals(0, check.exitCode(), check.output());
    Tools.Result test =
        Tools.run(dir, List.of(promtool.toString(), "test", "rules", "alerts.test.yml"));
    assertEquals(0, test.exitCode(), test.output());
    assertTrue(test.output().contains("SUCCESS"), test.output());
  }

  @Test
  void everyDashboardAndKedaQueryIsValidPromQl(@TempDir Path tmp) throws IOException {
    Path promtool = Tools.require("promtool", HINT);
    // each query becomes a recording rule; Grafana's $__rate_interval is a duration at run time
    StringBuilder rules = new StringBuilder("groups:\n  - name: queries\n    rules:\n");
    List<Query> queries = new java.util.ArrayList<>(Queries.dashboardQueries());
    queries.addAll(Queries.kedaQueries());
    for (int i = 0; i < queries.size(); i++) {
      String expr = queries.get(i).expr().replace("$__rate_interval", "5m");
      rules.append("      - record: cura:query:").append(i).append('\n');
      rules.append("        expr: ").append(Repo.JSON.writeValueAsString(expr)).append('\n');
    }
    Files.writeString(tmp.resolve("queries.yml"), rules);
    Tools.Result r = Tools.run(tmp, List.of(promtool.toString(), "check", "rules", "queries.yml"));
    assertEquals(0, r.exitCode(), "promtool rejects a query:\n" + r.output() + "\n" + queries);
    assertTrue(r.output().contains(queries.size() + " rules found"), r.output());
  }

  @Test
  void scrapeConfigIsValid(@TempDir Path tmp) throws IOException {
    Path promtool = Tools.require("promtool", HINT);
    // compose mounts the rules at /etc/prometheus/alerts.yml; point the copy at the repo file
    String config =
        Repo.read("deploy/prometheus/prometheus.yml")
            .replace("/etc/prometheus/alerts.yml", Repo.path(Queries.ALERTS).toString());
    Files.writeString(tmp.resolve("prometheus.yml"), config);
    Tools.Result r =
        Tools.run(tmp, List.of(promtool.toString(), "check", "config", "prometheus.yml"));
    assertEquals(0, r.exitCode(), r.output());
  }
}
