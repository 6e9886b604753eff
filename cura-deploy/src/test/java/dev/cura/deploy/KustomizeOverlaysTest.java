package dev.cura.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rendered overlays ({@code kubectl kustomize}, offline): every reference resolves, the GPU
 * overlay makes a GPU pool, the dev overlay brings its own PostgreSQL and credentials.
 */
class KustomizeOverlaysTest {

  static final Set<String> CLUSTER_SCOPED = Set.of("Namespace");

  @ParameterizedTest
  @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/gpu"})
  void rendersIntoOneNamespaceWithResolvedReferences(String dir) {
    Manifests m = Kustomize.render(dir);
    assertTrue(m.all().size() > 20, dir + " rendered only " + m.all().size() + " objects");
    String namespace = m.get("Namespace", "cura").path("metadata").path("name").asText();
    for (JsonNode o : m.all()) {
      if (!CLUSTER_SCOPED.contains(o.path("kind").asText())) {
        assertEquals(
            namespace,
            o.path("metadata").path("namespace").asText(),
            dir + ": " + o.path("kind") + "/" + o.path("metadata").path("name"));
      }
    }
    Set<String> missingSecrets = new TreeSet<>();
    for (JsonNode d : m.ofKind("Deployment")) {
      String name = d.path("metadata").path("name").asText();
      JsonNode pod = d.path("spec").path("template").path("spec");
      for (JsonNode c : pod.path("containers")) {
        for (JsonNode from : c.path("envFrom")) {
          String cm = from.path("configMapRef").path("name").asText();
          assertTrue(
              m.find("ConfigMap", cm).isPresent(), dir + ": " + name + " needs ConfigMap " + cm);
        }
        for (JsonNode e : c.path("env")) {
          JsonNode ref = e.path("valueFrom").path("secretKeyRef");
          if (ref.isObject()) {
            var secret = m.find("Secret", ref.path("name").asText());
            if (secret.isEmpty()) {
              missingSecrets.add(ref.path("name").asText());
            } else {
              assertTrue(
                  secret.get().path("data").has(ref.path("key").asText()),
                  dir + ": Secret " + ref.path("name") + " has no key " + ref.path("key"));
            }
          }
        }
      }
      for (JsonNode v : pod.path("volumes")) {
        if (v.has("persistentVolumeClaim")) {
          String claim = v.path("persistentVolumeClaim").path("claimName").asText();
          assertTrue(m.find("PersistentVolumeClaim", claim).isPresent(), dir + ": no PVC " + claim);
        }
      }
    }
    assertTrue(
        CuraContract.EXTERNAL_SECRETS.containsAll(missingSecrets),
        dir
            + ": Secrets referenced but neither rendered nor documented as external: "
            + missingSecrets);
    for (JsonNode so : m.ofKind("ScaledObject")) {
      for (JsonNode t : so.path("spec").path("triggers")) {
        String bootstrap = t.path("metadata").path("bootstrapServers").asText("");
        if (!bootstrap.isEmpty()) {
          assertTrue(
              bootstrap.contains("." + namespace + ".svc:"),
              dir + ": KEDA must reach Kafka in " + namespace);
        }
        String query = t.path("metadata").path("query").asText("");
        if (!query.isEmpty()) {
          assertTrue(
              query.contains("namespace=\"" + namespace + "\""),
              dir + ": query scoped to " + namespace);
        }
      }
    }
  }

  @Test
  void externalSecretsAreDocumented() {
    String doc = Repo.read("docs/deployment.md");
    for (String secret : CuraContract.EXTERNAL_SECRETS) {
      assertTrue(doc.contains(secret), "docs/deployment.md must explain the Secret " + secret);
    }
  }

  @Test
  void gpuOverlayMakesAGpuTrainerPool() {
    Manifests m = Kustomize.render("k8s/overlays/gpu");
    JsonNode d = m.get("Deployment", "trainer-service");
    JsonNode pod = d.path("spec").path("template").path("spec");
    JsonNode c = Manifests.firstContainer(d);
    String image = c.path("image").asText();
    assertTrue(image.startsWith("cura/trainer-service-gpu:"), "GPU trainer image, got " + image);
    Repo.existing("deploy/docker/trainer-service-gpu.Dockerfile");
    JsonNode res = c.path("resources");
    int gpus = res.path("limits").path("nvidia.com/gpu").asInt();
    assertTrue(gpus >= 1, "trainer pods must limit nvidia.com/gpu");
    assertEquals(
        gpus, res.path("requests").path("nvidia.com/gpu").asInt(gpus), "GPU requests = limits");
    assertFalse(pod.path("nodeSelector").isEmpty(), "GPU pool needs a node selector");
    boolean tolerates = false;
    for (JsonNode t : pod.path("tolerations")) {
      tolerates |= "nvidia.com/gpu".equals(t.path("key").asText());
    }
    assertTrue(tolerates, "GPU pool tolerates the nvidia.com/gpu taint");
    assertTrue(
        c.path("lifecycle").path("preStop").has("exec"), "the GPU pool keeps the drain hook");
    assertTrue(pod.path("terminationGracePeriodSeconds").asInt() >= 600, "long grace period");
    assertTrue(
        m.find("PodDisruptionBudget", "trainer-service").isPresent(), "PDB for the GPU pool");
    JsonNode so = m.get("ScaledObject", "trainer-service");
    assertEquals(0, so.path("spec").path("minReplicaCount").asInt(-1), "GPUs released when idle");
    assertTrue(m.ofKind("Secret").isEmpty(), "no credentials in the production-shaped overlay");
  }

  @Test
  void devOverlayBringsPostgresAndCredentials() {
    Manifests m = Kustomize.render("k8s/overlays/dev");
    JsonNode cluster = m.get("Cluster", "cura-pg");
    assertEquals("postgresql.cnpg.io/v1", cluster.path("apiVersion").asText());
    String namespace = cluster.path("metadata").path("namespace").asText();
    JsonNode pg = m.get("Service", "cura-postgres");
    assertEquals(
        "cura-pg-rw." + namespace + ".svc.cluster.local",
        pg.path("spec").path("externalName").asText(),
        "cura-postgres points at the CloudNativePG read-write Service");

    JsonNode initdb = cluster.path("spec").path("bootstrap").path("initdb");
    Set<String> databases = new TreeSet<>();
    databases.add(initdb.path("database").asText());
    for (JsonNode sql : initdb.path("postInitSQL")) {
      String s = sql.asText();
      if (s.startsWith("CREATE DATABASE ")) {
        databases.add(s.split("\\s+")[2]);
      }
    }
    assertEquals(
        initdb.path("secret").path("name").asText(), "cura-db", "owner from the cura-db Secret");
    JsonNode secret = m.get("Secret", "cura-db");
    assertEquals(
        "kubernetes.io/basic-auth", secret.path("type").asText(), "CloudNativePG wants basic-auth");
    for (String svc : Set.of("gateway-service", "registry-service")) {
      String url = m.get("ConfigMap", svc).path("data").path("CURA_DB_URL").asText();
      String db = URI.create(url).getPath().substring(1);
      assertTrue(
          databases.contains(db), svc + " uses database " + db + ", not created: " + databases);
    }
    Map<String, String> owner = Map.of("owner", initdb.path("owner").asText());
    assertEquals("cura", owner.get("owner"));
  }
}
