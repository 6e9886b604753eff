package dev.cura.testinfra;

/**
 * Where tests find Kafka and PostgreSQL. By default both run inside the test JVM; with {@code
 * -Dinfra.external=true} the tests use already running servers instead:
 *
 * <ul>
 *   <li>{@code -Dinfra.kafka.bootstrap} (default {@code 127.0.0.1:9092})
 *   <li>{@code -Dinfra.pg.url} (default {@code postgresql://127.0.0.1:5432/postgres}), {@code
 *       -Dinfra.pg.user} and {@code -Dinfra.pg.password} (default {@code postgres}/{@code
 *       postgres})
 * </ul>
 */
public final class InfraSettings {
  private InfraSettings() {}

  /** True when tests use external servers ({@code -Dinfra.external=true}). */
  public static boolean external() {
    return Boolean.getBoolean("infra.external");
  }

  static String externalKafka() {
    return System.getProperty("infra.kafka.bootstrap", "127.0.0.1:9092");
  }

  static String externalPgUrl() {
    return System.getProperty("infra.pg.url", "postgresql://127.0.0.1:5432/postgres");
  }

  static String externalPgUser() {
    return System.getProperty("infra.pg.user", "postgres");
  }

  static String externalPgPassword() {
    return System.getProperty("infra.pg.password", "postgres");
  }

  /** Scratch directory for test data: {@code java.io.tmpdir}, which the build sets to target/. */
  static java.nio.file.Path scratch() {
    return java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
  }
}
