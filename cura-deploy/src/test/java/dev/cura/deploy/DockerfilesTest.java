package dev.cura.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.deploy.CuraContract.Service;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The images' inputs: a Dockerfile per service (and the GPU trainer), non-root, health-checked,
 * started with the contract's JVM flags from the Quarkus fast-jar the service module builds.
 */
class DockerfilesTest {

  static final String DIR = "deploy/docker/";
  static final String GPU_TRAINER = "trainer-service-gpu";

  /** Image name → the service module whose fast-jar it packages. */
  static String moduleOfImage(String image) {
    return image.endsWith("-gpu") ? image.substring(0, image.length() - 4) : image;
  }

  static List<String> images() {
    List<String> images = new ArrayList<>();
    for (Service s : Service.values()) {
      images.add(s.module);
    }
    images.add(GPU_TRAINER);
    return images;
  }

  @Test
  void everyImageIsAHardenedFastJarImage() {
    for (String image : images()) {
      String module = moduleOfImage(image);
      Service service = Service.byModule(module);
      Dockerfile df = Dockerfile.read(DIR + image + ".Dockerfile");

      List<String> from = df.last("FROM");
      assertEquals(1, from.size(), image + ": one FROM in the final stage");
      assertTrue(from.get(0).startsWith("eclipse-temurin:25-jre"), image + ": Java 25 JRE base");

      List<String> user = df.last("USER");
      assertFalse(user.isEmpty(), image + ": must switch to a non-root USER");
      String uid = user.get(user.size() - 1).split(":")[0];
      assertTrue(
          uid.matches("\\d+") && Integer.parseInt(uid) > 0, image + ": numeric non-root uid");

      assertEquals(List.of(String.valueOf(service.port)), df.last("EXPOSE"), image + ": EXPOSE");

      String health = String.join(" ", df.last("HEALTHCHECK"));
      assertTrue(
          health.contains("/opt/cura/healthcheck.sh")
              && health.contains("\"" + service.port + "\"")
              && health.contains("/q/health/"),
          image + ": HEALTHCHECK must probe /q/health on " + service.port);

      String entrypoint = String.join(" ", df.last("ENTRYPOINT"));
      for (String flag : CuraContract.JVM_FLAGS) {
        assertTrue(entrypoint.contains("\"" + flag + "\""), image + ": ENTRYPOINT lacks " + flag);
      }
      assertTrue(entrypoint.contains("quarkus-run.jar"), image + ": runs the fast-jar");

      boolean copiesFastJar = false;
      for (String copy : df.all("COPY")) {
        if (copy.contains("--from=")) {
          continue;
        }
        String[] words = copy.split("\\s+");
        List<String> paths = new ArrayList<>();
        for (String w : words) {
          if (!w.startsWith("--")) {
            paths.add(w);
          }
        }
        for (String source : paths.subList(0, paths.size() - 1)) {
          if (source.contains("/target/quarkus-app/")) {
            assertTrue(
                source.startsWith(module + "/target/quarkus-app/"),
                image + " copies another module's fast-jar: " + source);
            copiesFastJar = true;
          } else {
            assertTrue(Files.exists(Repo.path(source)), image + ": COPY source missing: " + source);
          }
        }
      }
      assertTrue(copiesFastJar, image + ": must copy " + module + "/target/quarkus-app");
    }
  }

  @Test
  void theFastJarsComeFromQuarkusModules() {
    for (Service s : Service.values()) {
      String pom = Repo.read(s.module + "/pom.xml");
      assertTrue(
          pom.contains("<artifactId>quarkus-maven-plugin</artifactId>"),
          s.module + " must build a Quarkus fast-jar (quarkus-maven-plugin)");
      var app = Repo.path(s.module + "/target/quarkus-app");
      if (Files.isDirectory(app)) {
        // built in this reactor run: the image inputs are complete
        assertTrue(
            Files.isRegularFile(app.resolve("quarkus-run.jar")), s.module + ": quarkus-run.jar");
        assertTrue(Files.isDirectory(app.resolve("lib")), s.module + ": lib/");
      }
    }
  }

  @Test
  void buildContextsSendOnlyTheFastJarAndScripts() {
    for (String image : images()) {
      String ignore = Repo.read(DIR + image + ".Dockerfile.dockerignore");
      List<String> lines =
          ignore.lines().map(String::strip).filter(l -> !l.startsWith("#")).toList();
      assertTrue(lines.contains("*"), image + ": ignore everything by default");
      assertTrue(
          lines.contains("!" + moduleOfImage(image) + "/target/quarkus-app/"),
          image + ": re-include its fast-jar");
      assertTrue(lines.contains("!deploy/docker/*.sh"), image + ": re-include the scripts");
    }
  }

  @Test
  void gpuTrainerUsesCudaLibtorchThatDjlHasAJniLibraryFor() {
    Dockerfile df = Dockerfile.read(DIR + GPU_TRAINER + ".Dockerfile");
    String env = String.join(" ", df.last("ENV"));
    assertTrue(env.contains("PYTORCH_LIBRARY_PATH=/opt/libtorch/lib"), "points DJL at libtorch");
    String args = String.join(" ", df.all("ARG"));
    Matcher flavor = Pattern.compile("CUDA_FLAVOR=(cu\\d+)").matcher(args);
    Matcher version = Pattern.compile("LIBTORCH_VERSION=([0-9.]+)").matcher(args);
    assertTrue(flavor.find() && version.find(), "ARG CUDA_FLAVOR and LIBTORCH_VERSION");
    assertTrue(env.contains("PYTORCH_FLAVOR=${CUDA_FLAVOR}"), "DJL flavor = the image's CUDA");
    assertTrue(env.contains("PYTORCH_VERSION=${LIBTORCH_VERSION}"), "DJL version = libtorch's");

    // the libtorch version must be the one the build pins (root pom), and DJL's pytorch-jni jar
    // must carry the JNI glue for that CUDA flavor (DJL loads jnilib/<platform>/<flavor>/)
    String rootPom = Repo.read("pom.xml");
    assertTrue(
        rootPom.contains("<pytorch.version>" + version.group(1) + "</pytorch.version>"),
        "libtorch " + version.group(1) + " must match the root pom's pytorch.version");
    String jni = "jnilib/linux-x86_64/" + flavor.group(1) + "/libdjl_torch.so";
    assertNotNull(
        getClass().getClassLoader().getResource(jni),
        "pytorch-jni has no " + jni + ": pick a CUDA flavor DJL ships");
    String url = args.replaceAll(".*LIBTORCH_URL=(\\S+).*", "$1");
    assertTrue(
        url.contains("/" + flavor.group(1) + "/") && url.contains(version.group(1)),
        "LIBTORCH_URL must fetch libtorch " + version.group(1) + " for " + flavor.group(1));
  }

  @Test
  void trainerImagesCarryThePreStopDrainScript() {
    for (String image : List.of("trainer-service", GPU_TRAINER)) {
      String copies = String.join(" ", Dockerfile.read(DIR + image + ".Dockerfile").all("COPY"));
      assertTrue(copies.contains("/opt/cura/prestop-drain.sh"), image + ": preStop script");
    }
  }
}
