package dev.cura.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Every PromQL expression the deployment runs: dashboard panels, alert rules, KEDA triggers. */
final class Queries {

  /** A PromQL expression and where it is used (for messages). */
  record Query(String where, String expr) {}

  static final String DASHBOARDS = "deploy/grafana/dashboards";
  static final String ALERTS = "deploy/prometheus/alerts.yml";
  static final String SCALED_OBJECTS = "k8s/base/autoscaling/scaledobjects.yaml";

  static List<Path> dashboardFiles() {
    try (Stream<Path> files = Files.list(Repo.existing(DASHBOARDS))) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Panels of a dashboard, rows' nested panels included. */
  static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : dashboard.path("panels")) {
      out.add(p);
      p.path("panels").forEach(out::add);
    }
    return out;
  }

  static List<Query> dashboardQueries() {
    List<Query> queries = new ArrayList<>();
    for (Path file : dashboardFiles()) {
      JsonNode dashboard = Repo.json(Repo.root().relativize(file).toString());
      for (JsonNode panel : panels(dashboard)) {
        for (JsonNode target : panel.path("targets")) {
          queries.add(
              new Query(
                  file.getFileName() + " panel '" + panel.path("title").asText() + "'",
                  target.path("expr").asText()));
        }
      }
    }
    return queries;
  }

  static List<JsonNode> alertRules() {
    List<JsonNode> rules = new ArrayList<>();
    for (JsonNode group : Repo.yaml(ALERTS).path("groups")) {
      group.path("rules").forEach(rules::add);
    }
    return rules;
  }

  static List<Query> alertQueries() {
    return alertRules().stream()
        .map(r -> new Query("alert " + r.path("alert").asText(), r.path("expr").asText()))
        .toList();
  }

  static List<Query> kedaQueries() {
    List<Query> queries = new ArrayList<>();
    for (JsonNode so : Repo.yamlDocuments(Repo.existing(SCALED_OBJECTS))) {
      for (JsonNode trigger : so.path("spec").path("triggers")) {
        if ("prometheus".equals(trigger.path("type").asText())) {
          queries.add(
              new Query(
                  "ScaledObject " + so.path("metadata").path("name").asText(),
                  trigger.path("metadata").path("query").asText()));
        }
      }
    }
    return queries;
  }

  static List<Query> all() {
    List<Query> all = new ArrayList<>(dashboardQueries());
    all.addAll(alertQueries());
    all.addAll(kedaQueries());
    return all;
  }

  private Queries() {}
}
