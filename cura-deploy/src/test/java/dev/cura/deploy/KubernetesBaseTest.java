package dev.cura.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.deploy.CuraContract.Service;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** k8s/base as written: the four services, storage, database reference, probes and images. */
class KubernetesBaseTest {

  static final String BASE = "k8s/base";
  final Manifests base = Manifests.ofKustomizationResources(BASE);

  @Test
  void kustomizationListsEveryManifestAndOnlyExistingOnes() throws IOException {
    JsonNode k = Repo.yaml(BASE + "/kustomization.yaml");
    Set<String> listed = new TreeSet<>();
    for (JsonNode r : k.path("resources")) {
      Path p = Repo.path(BASE).resolve(r.asText()).normalize();
      assertTrue(Files.isRegularFile(p), "kustomization lists a missing file: " + r.asText());
      listed.add(Repo.path(BASE).relativize(p).toString());
    }
    try (Stream<Path> files = Files.walk(Repo.path(BASE))) {
      files
          .filter(p -> p.toString().endsWith(".yaml") && !p.endsWith("kustomization.yaml"))
          .map(p -> Repo.path(BASE).relativize(p).toString())
          .forEach(f -> assertTrue(listed.contains(f), f + " is not listed in kustomization.yaml"));
    }
    for (JsonNode o : base.all()) {
      assertFalse(o.path("apiVersion").asText().isBlank(), "object without apiVersion: " + o);
      assertFalse(o.path("kind").asText().isBlank(), "object without kind: " + o);
      assertFalse(o.path("metadata").path("name").asText().isBlank(), "object without name: " + o);
    }
  }

  @Test
  void deploymentsMatchTheServiceContract() {
    assertEquals(
        Set.of("gateway-service", "quantizer-service", "trainer-service", "registry-service"),
        base.names("Deployment"));
    for (Service s : Service.values()) {
      JsonNode d = base.get("Deployment", s.module);
      Map<String, String> labels = Manifests.templateLabels(d);
      assertTrue(
          Manifests.selects(d.path("spec").path("selector"), labels),
          s.module + ": selector must match the pod template");
      JsonNode c = Manifests.firstContainer(d);

      assertEquals(s.port, portNamed(c, "http"), s.module + ": container port 'http' = " + s.port);
      assertProbe(c.path("readinessProbe"), CuraContract.READY_PATH, s.module + " readiness");
      assertProbe(c.path("livenessProbe"), CuraContract.LIVE_PATH, s.module + " liveness");

      String image = c.path("image").asText();
      assertTrue(image.startsWith(CuraContract.IMAGE_PREFIX), s.module + ": image cura/…");
      String imageName = image.substring(CuraContract.IMAGE_PREFIX.length()).split(":")[0];
      assertEquals(s.module, imageName, s.module + ": runs its own image");
      Repo.existing("deploy/docker/" + imageName + ".Dockerfile");

      JsonNode podSecurity = d.path("spec").path("template").path("spec").path("securityContext");
      assertTrue(podSecurity.path("runAsNonRoot").asBoolean(), s.module + ": runAsNonRoot");
      assertFalse(
          c.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true),
          s.module + ": no privilege escalation");

      JsonNode svc = base.get("Service", s.module);
      assertTrue(selectsBySpec(svc, labels), "Service " + s.module + " must select its pods");
      JsonNode port = svc.path("spec").path("ports").path(0);
      assertEquals(s.port, port.path("port").asInt(), "Service " + s.module + " port");
      assertEquals("http", port.path("targetPort").asText(), "Service " + s.module + " targetPort");
    }
  }

  @Test
  void environmentComesFromConfigMapsAndSecretRefs() {
    JsonNode kafka = base.get("Kafka", "cura-kafka");
    int plainPort = -1;
    for (JsonNode l : kafka.path("spec").path("kafka").path("listeners")) {
      if (!l.path("tls").asBoolean()) {
        plainPort = l.path("port").asInt();
      }
    }
    String bootstrap = "cura-kafka-kafka-bootstrap:" + plainPort;

    for (Service s : Service.values()) {
      JsonNode d = base.get("Deployment", s.module);
      JsonNode c = Manifests.firstContainer(d);
      Map<String, String> env = new HashMap<>();
      for (JsonNode from : c.path("envFrom")) {
        String cm = from.path("configMapRef").path("name").asText();
        env.putAll(Manifests.stringMap(base.get("ConfigMap", cm).path("data")));
      }
      Set<String> secretEnv = new TreeSet<>();
      for (JsonNode e : c.path("env")) {
        JsonNode ref = e.path("valueFrom").path("secretKeyRef");
        if (ref.isObject()) {
          assertTrue(
              CuraContract.EXTERNAL_SECRETS.contains(ref.path("name").asText()),
              s.module + " references an undocumented Secret " + ref.path("name"));
          secretEnv.add(e.path("name").asText());
        } else {
          env.put(e.path("name").asText(), e.path("value").asText());
        }
      }
      assertEquals(
          bootstrap, env.get("KAFKA_BOOTSTRAP_SERVERS"), s.module + " → Strimzi bootstrap");
      for (String key : CuraContract.COMMON_ENV) {
        assertTrue(env.containsKey(key), s.module + ": missing " + key);
      }
      assertMounted(d, env.get("CURA_ARTIFACT_ROOT"), s.module);
      assertMounted(d, env.get("CURA_MODEL_ROOTS"), s.module);
      if (s.usesDatabase) {
        URI db = URI.create(env.get("CURA_DB_URL"));
        assertEquals("postgresql", db.getScheme(), s.module + ": reactive URL form");
        JsonNode pg = base.get("Service", db.getHost());
        assertEquals(db.getPort(), pg.path("spec").path("ports").path(0).path("port").asInt());
        assertTrue(
            secretEnv.containsAll(
                Set.of("CURA_DB_USER", "CURA_DB_PASSWORD", CuraContract.API_KEY_ENV)),
            s.module + ": DB credentials and API key come from Secrets, got " + secretEnv);
      } else {
        assertFalse(env.containsKey("CURA_DB_URL"), s.module + " has no database");
      }
    }
  }

  @Test
  void artifactStoreIsOneSharedReadWriteManyClaim() {
    JsonNode pvc = base.get("PersistentVolumeClaim", "cura-artifacts");
    Set<String> modes = new TreeSet<>();
    pvc.path("spec").path("accessModes").forEach(m -> modes.add(m.asText()));
    assertEquals(Set.of("ReadWriteMany"), modes, "every service and trainer pod mounts it");
    for (Service s : Service.values()) {
      Set<String> claims = new TreeSet<>();
      for (JsonNode v :
          base.get("Deployment", s.module)
              .path("spec")
              .path("template")
              .path("spec")
              .path("volumes")) {
        if (v.has("persistentVolumeClaim")) {
          claims.add(v.path("persistentVolumeClaim").path("claimName").asText());
        }
      }
      assertEquals(Set.of("cura-artifacts"), claims, s.module + " mounts the artifact store");
    }
  }

  @Test
  void trainerCheckpointsBeforeItStops() {
    JsonNode d = base.get("Deployment", "trainer-service");
    JsonNode pod = d.path("spec").path("template").path("spec");
    int grace = pod.path("terminationGracePeriodSeconds").asInt();
    JsonNode c = Manifests.firstContainer(d);
    JsonNode preStop = c.path("lifecycle").path("preStop").path("exec").path("command");
    assertEquals("/opt/cura/prestop-drain.sh", preStop.path(0).asText(), "preStop drain hook");
    assertEquals("8082", preStop.path(1).asText(), "drains the trainer's own port");
    int drainTimeout = preStop.path(2).asInt();
    String shutdown =
        base.get("ConfigMap", "trainer-service")
            .path("data")
            .path("QUARKUS_SHUTDOWN_TIMEOUT")
            .asText();
    assertTrue(shutdown.matches("\\d+s"), "QUARKUS_SHUTDOWN_TIMEOUT in seconds, got " + shutdown);
    int shutdownS = Integer.parseInt(shutdown.replace("s", ""));
    // the kubelet's grace period covers the preStop hook and the shutdown after SIGTERM
    assertTrue(
        drainTimeout > 0 && drainTimeout + 30 <= grace && shutdownS + 30 <= grace,
        "terminationGracePeriodSeconds "
            + grace
            + " must exceed the drain ("
            + drainTimeout
            + " s) and shutdown ("
            + shutdownS
            + " s) timeouts");

    JsonNode pdb = base.get("PodDisruptionBudget", "trainer-service");
    assertTrue(
        Manifests.selects(pdb.path("spec").path("selector"), Manifests.templateLabels(d)),
        "the PDB selects the trainer pods");
    assertEquals(
        1, pdb.path("spec").path("maxUnavailable").asInt(), "one trainer drains at a time");
  }

  @Test
  void podMonitorScrapesEveryServiceWithTheServiceAsJob() {
    JsonNode pm = base.get("PodMonitor", "cura-services");
    JsonNode endpoint = pm.path("spec").path("podMetricsEndpoints").path(0);
    assertEquals(CuraContract.METRICS_PATH, endpoint.path("path").asText());
    String jobLabel = pm.path("spec").path("jobLabel").asText();
    // the base's `labels` transformer adds part-of to every pod template
    JsonNode k = Repo.yaml(BASE + "/kustomization.yaml");
    Map<String, String> common = new HashMap<>();
    for (JsonNode l : k.path("labels")) {
      if (l.path("includeTemplates").asBoolean()) {
        common.putAll(Manifests.stringMap(l.path("pairs")));
      }
    }
    for (Service s : Service.values()) {
      JsonNode d = base.get("Deployment", s.module);
      Map<String, String> labels = new HashMap<>(Manifests.templateLabels(d));
      labels.putAll(common);
      assertTrue(
          Manifests.selects(pm.path("spec").path("selector"), labels),
          "PodMonitor does not select " + s.module);
      assertEquals(s.module, labels.get(jobLabel), s.module + ": job label = service name");
      assertTrue(
          portNamed(Manifests.firstContainer(d), endpoint.path("port").asText()) > 0,
          s.module + " has no port named " + endpoint.path("port"));
    }
  }

  static int portNamed(JsonNode container, String name) {
    for (JsonNode p : container.path("ports")) {
      if (name.equals(p.path("name").asText())) {
        return p.path("containerPort").asInt();
      }
    }
    return -1;
  }

  private static boolean selectsBySpec(JsonNode service, Map<String, String> labels) {
    for (var e : service.path("spec").path("selector").properties()) {
      if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return service.path("spec").path("selector").size() > 0;
  }

  private static void assertProbe(JsonNode probe, String path, String what) {
    assertEquals(path, probe.path("httpGet").path("path").asText(), what + " path");
    assertEquals("http", probe.path("httpGet").path("port").asText(), what + " port");
  }

  private static void assertMounted(JsonNode deployment, String dir, String what) {
    assertTrue(
        dir != null && dir.startsWith("/"), what + ": expected an absolute path, got " + dir);
    JsonNode c = Manifests.firstContainer(deployment);
    boolean mounted = false;
    for (JsonNode m : c.path("volumeMounts")) {
      String name = m.path("name").asText();
      String mountPath = m.path("mountPath").asText();
      boolean isClaim = false;
      for (JsonNode v : deployment.path("spec").path("template").path("spec").path("volumes")) {
        isClaim |= name.equals(v.path("name").asText()) && v.has("persistentVolumeClaim");
      }
      mounted |= isClaim && (dir.equals(mountPath) || dir.startsWith(mountPath + "/"));
    }
    assertTrue(mounted, what + ": " + dir + " is not on the artifact volume");
  }
}
