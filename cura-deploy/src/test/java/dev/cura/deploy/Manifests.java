package dev.cura.deploy;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A set of Kubernetes objects, indexed by kind and name: either the files a kustomization lists
 * (read directly, no patches applied) or the output of {@code kubectl kustomize}.
 */
final class Manifests {

  private final List<JsonNode> objects;
  private final String origin;

  Manifests(List<JsonNode> objects, String origin) {
    this.objects = List.copyOf(objects);
    this.origin = origin;
  }

  /** The resource files listed by {@code <dir>/kustomization.yaml}, as written. */
  static Manifests ofKustomizationResources(String dir) {
    JsonNode kustomization = Repo.yaml(dir + "/kustomization.yaml");
    List<JsonNode> docs = new ArrayList<>();
    for (JsonNode resource : kustomization.path("resources")) {
      Path p = Repo.path(dir).resolve(resource.asText()).normalize();
      if (Files.isRegularFile(p)) {
        docs.addAll(Repo.yamlDocuments(p));
      }
    }
    return new Manifests(docs, dir);
  }

  List<JsonNode> all() {
    return objects;
  }

  List<JsonNode> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  Optional<JsonNode> find(String kind, String name) {
    return ofKind(kind).stream()
        .filter(o -> name.equals(o.path("metadata").path("name").asText()))
        .findFirst();
  }

  JsonNode get(String kind, String name) {
    Optional<JsonNode> found = find(kind, name);
    assertTrue(
        found.isPresent(),
        () -> origin + ": expected a " + kind + " named " + name + ", found none");
    return found.get();
  }

  Set<String> names(String kind) {
    Set<String> names = new TreeSet<>();
    ofKind(kind).forEach(o -> names.add(o.path("metadata").path("name").asText()));
    return names;
  }

  String origin() {
    return origin;
  }

  /** The pod template labels of a Deployment. */
  static Map<String, String> templateLabels(JsonNode deployment) {
    return stringMap(deployment.path("spec").path("template").path("metadata").path("labels"));
  }

  static JsonNode firstContainer(JsonNode deployment) {
    JsonNode c = deployment.path("spec").path("template").path("spec").path("containers").path(0);
    assertNotNull(c);
    assertTrue(
        c.isObject(),
        () -> "Deployment " + deployment.path("metadata").path("name") + " has no container");
    return c;
  }

  static Map<String, String> stringMap(JsonNode node) {
    Map<String, String> map = new LinkedHashMap<>();
    node.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
    return map;
  }

  /** Label-selector semantics of {@code matchLabels} (and {@code matchExpressions} In/Exists). */
  static boolean selects(JsonNode selector, Map<String, String> labels) {
    for (var e : selector.path("matchLabels").properties()) {
      if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (JsonNode expr : selector.path("matchExpressions")) {
      String key = expr.path("key").asText();
      String op = expr.path("operator").asText();
      List<String> values = new ArrayList<>();
      expr.path("values").forEach(v -> values.add(v.asText()));
      boolean ok =
          switch (op) {
            case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
            case "NotIn" -> !labels.containsKey(key) || !values.contains(labels.get(key));
            case "Exists" -> labels.containsKey(key);
            case "DoesNotExist" -> !labels.containsKey(key);
            default -> throw new AssertionError("unknown selector operator " + op);
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
