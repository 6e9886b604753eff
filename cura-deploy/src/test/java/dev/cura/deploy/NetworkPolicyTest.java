package dev.cura.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.deploy.CuraContract.Service;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Only the gateway and the registry are reachable from outside the namespace. */
class NetworkPolicyTest {

  final Manifests base = Manifests.ofKustomizationResources(KubernetesBaseTest.BASE);

  /** Namespaces whose traffic is operations, not "outside": Prometheus scraping. */
  static final Set<String> OPERATIONS_NAMESPACES = Set.of("monitoring");

  @Test
  void defaultDenyThenOnlyGatewayAndRegistryFromOutside() {
    boolean defaultDeny = false;
    for (JsonNode np : base.ofKind("NetworkPolicy")) {
      JsonNode spec = np.path("spec");
      defaultDeny |=
          spec.path("podSelector").isEmpty()
              && spec.path("policyTypes").toString().contains("Ingress")
              && spec.path("ingress").isEmpty();
    }
    assertTrue(defaultDeny, "expected a default-deny ingress policy (podSelector {}, no rules)");

    Set<String> exposed = new TreeSet<>();
    Set<String> scraped = new TreeSet<>();
    for (Service s : Service.values()) {
      Map<String, String> labels = podLabels(s.module);
      for (JsonNode np : base.ofKind("NetworkPolicy")) {
        if (!Manifests.selects(np.path("spec").path("podSelector"), labels)) {
          continue;
        }
        for (JsonNode rule : np.path("spec").path("ingress")) {
          if (admitsOutside(rule)) {
            exposed.add(s.module);
          }
          if (admitsNamespace(rule, "monitoring")) {
            scraped.add(s.module);
          }
        }
      }
    }
    assertEquals(Set.of("gateway-service", "registry-service"), exposed, "reachable from outside");
    assertEquals(4, scraped.size(), "Prometheus must reach every service, reaches " + scraped);
  }

  private Map<String, String> podLabels(String module) {
    Map<String, String> labels =
        new HashMap<>(Manifests.templateLabels(base.get("Deployment", module)));
    for (JsonNode l : Repo.yaml(KubernetesBaseTest.BASE + "/kustomization.yaml").path("labels")) {
      if (l.path("includeTemplates").asBoolean()) {
        labels.putAll(Manifests.stringMap(l.path("pairs")));
      }
    }
    return labels;
  }

  /**
   * A rule admits traffic from outside the namespace unless every peer is namespace-local or ops.
   */
  static boolean admitsOutside(JsonNode rule) {
    if (!rule.has("from") || rule.path("from").isEmpty()) {
      return true; // no peers listed: any source
    }
    for (JsonNode peer : rule.path("from")) {
      if (peer.has("ipBlock")) {
        return true;
      }
      if (peer.has("namespaceSelector")) {
        String ns =
            peer.path("namespaceSelector")
                .path("matchLabels")
                .path("kubernetes.io/metadata.name")
                .asText("");
        if (!OPERATIONS_NAMESPACES.contains(ns)) {
          return true;
        }
      }
    }
    return false;
  }

  static boolean admitsNamespace(JsonNode rule, String namespace) {
    for (JsonNode peer : rule.path("from")) {
      if (namespace.equals(
          peer.path("namespaceSelector")
              .path("matchLabels")
              .path("kubernetes.io/metadata.name")
              .asText())) {
        return true;
      }
    }
    return false;
  }
}
