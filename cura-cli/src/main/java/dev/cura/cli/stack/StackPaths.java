package dev.cura.cli.stack;

import java.nio.file.Path;

/**
 * Where a stack keeps its state: {@code ./cura up}'s under {@code <repo>/.cura/local/}, a private
 * one (e.g. {@code ./cura bench gateway}'s) under a directory of its own.
 *
 * @param repo the repository root (the {@code cura.home} system property set by {@code ./cura})
 * @param local the directory holding the stack's data, logs and state
 */
public record StackPaths(Path repo, Path local) {
  /** The layout of {@code ./cura up}: everything under {@code <repo>/.cura/local}. */
  public StackPaths(Path repo) {
    this(repo, repo.resolve(".cura/local"));
  }

  /** The layout for the repository {@code ./cura} runs from (or the working directory). */
  public static StackPaths current() {
    String home = System.getProperty("cura.home");
    return new StackPaths(Path.of(home == null ? "." : home).toAbsolutePath().normalize());
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
