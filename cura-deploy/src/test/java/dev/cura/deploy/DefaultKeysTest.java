package dev.cura.deploy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.deploy.CuraContract.Service;
import dev.cura.rest.auth.ApiKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every API key a deployment ships as a default (docker-compose's {@code CURA_BOOTSTRAP_API_KEY},
 * the k8s overlays' {@code cura-api-key} Secret) passes the services' own key rule — otherwise the
 * gateway and the registry refuse to start with it (issue 12: the 18-character dev key did).
 */
class DefaultKeysTest {

  static Map<String, String> defaultKeys() throws IOException {
    Map<String, String> keys = new LinkedHashMap<>();
    for (Service s : Service.values()) {
      if (!s.usesDatabase) {
        continue;
      }
      String value = Compose.env(Compose.service(s.module)).get(CuraContract.API_KEY_ENV);
      if (value != null) {
        keys.put("docker-compose.yml " + s.module, Compose.interpolateDefaults(value));
      }
    }
    try (Stream<Path> files = Files.walk(Repo.path("k8s"))) {
      for (Path f :
          files.filter(p -> p.getFileName().toString().equals("kustomization.yaml")).toList()) {
        JsonNode k = Repo.yamlDocuments(f).get(0);
        for (JsonNode gen : k.path("secretGenerator")) {
          for (JsonNode literal : gen.path("literals")) {
            String[] kv = literal.asText().split("=", 2);
            if (kv[0].equals("api-key")) {
              keys.put(Repo.root().relativize(f) + " " + gen.path("name").asText(), kv[1]);
            }
          }
        }
      }
    }
    return keys;
  }

  @Test
  void everyConfiguredDefaultKeyIsAValidKey() throws IOException {
    Map<String, String> keys = defaultKeys();
    assertTrue(
        keys.size() >= 3,
        "compose (gateway, registry) and the dev overlay set keys: " + keys.keySet());
    keys.forEach((where, key) -> assertDoesNotThrow(() -> ApiKeys.checkKey(key), where));
  }
}
