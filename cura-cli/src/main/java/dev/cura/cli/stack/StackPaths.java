package dev.cura.cli.stack;

import java.nio.file.Path;

/**
 * Where the local stack keeps its state, all under {@code <repo>/.cura/local/}.
 *
 * @param repo the repository root (the {@code cura.home} system property set by {@code ./cura})
 */
public record StackPaths(Path repo) {
  /** The layout for the repository {@code ./cura} runs from (or the working directory). */
  public static StackPaths current() {
    String home = System.getProperty("cura.home");
    return new StackPaths(Path.of(home == null ? "." : home).toAbsolutePath().normalize());
  }

  public Path local() {
    return repo.resolve(".cura/local");
  }

  public Path logs() {
    return local().resolve("logs");
  }

  public Path log(String component) {
    return logs().resolve(component + ".log");
  }

  public Path kafkaData() {
    return local().resolve("kafka");
  }

  public Path pgData() {
    return local().resolve("pg/data");
  }

  public Path pgWork() {
    return local().resolve("pg/work");
  }

  public Path artifacts() {
    return local().resolve("artifacts");
  }

  public Path tmp() {
    return local().resolve("tmp");
  }

  public Path apiKey() {
    return local().resolve("api-key");
  }

  /** The process table written by {@code up} and read by {@code status} and {@code down}. */
  public Path stateFile() {
    return local().resolve("stack.json");
  }

  public Path djlCache() {
    String env = System.getenv("DJL_CACHE_DIR");
    return env != null ? Path.of(env) : repo.resolve(".cura/djl-cache");
  }

  /** The fast-jar of a service module, e.g. {@code gateway-service}. */
  public Path fastJar(String module) {
    return repo.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
  }
}
