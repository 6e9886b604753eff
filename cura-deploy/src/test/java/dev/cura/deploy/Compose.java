package dev.cura.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/** Reads docker-compose.yml (short volume and port syntax, map-style environment). */
final class Compose {

  static JsonNode file() {
    return Repo.yaml("docker-compose.yml");
  }

  static JsonNode service(String name) {
    JsonNode s = file().path("services").path(name);
    if (!s.isObject()) {
      throw new AssertionError("docker-compose.yml: expected a service named " + name);
    }
    return s;
  }

  /** Volume entries {@code SOURCE:TARGET[:MODE]} whose source is a path (./…), source → target. */
  static Map<String, String> bindMounts(JsonNode service) {
    return volumes(service, source -> source.startsWith("./"));
  }

  /** Volume entries whose source is a named volume, name → target. */
  static Map<String, String> namedVolumes(JsonNode service) {
    return volumes(service, source -> !source.startsWith("./") && !source.startsWith("/"));
  }

  /** The volume entries whose source {@code kind} accepts, source → target. */
  private static Map<String, String> volumes(JsonNode service, Predicate<String> kind) {
    Map<String, String> mounts = new LinkedHashMap<>();
    volumes(service)
        .forEach(
            (source, target) -> {
              if (kind.test(source)) {
                mounts.put(source, target);
              }
            });
    return mounts;
  }

  private static Map<String, String> volumes(JsonNode service) {
    Map<String, String> mounts = new LinkedHashMap<>();
    for (JsonNode v : service.path("volumes")) {
      String[] parts = v.asText().split(":");
      if (parts.length < 2) {
        throw new AssertionError("expected SOURCE:TARGET[:MODE] volume syntax, got " + v.asText());
      }
      mounts.put(parts[0], parts[1]);
    }
    return mounts;
  }

  /** Container ports published as {@code HOST:CONTAINER}. */
  static Set<Integer> ports(JsonNode service) {
    Set<Integer> ports = new TreeSet<>();
    for (JsonNode p : service.path("ports")) {
      String[] parts = p.asText().split(":");
      ports.add(Integer.parseInt(parts[parts.length - 1].replaceAll("/.*", "")));
    }
    return ports;
  }

  static Map<String, String> env(JsonNode service) {
    return Manifests.stringMap(service.path("environment"));
  }

  /** {@code ${VAR:-default}} → default, as docker-compose interpolates without VAR set. */
  static String interpolateDefaults(String value) {
    return value.replaceAll("\\$\\{[A-Z0-9_]+:-([^}]*)}", "$1");
  }

  private Compose() {}
}
