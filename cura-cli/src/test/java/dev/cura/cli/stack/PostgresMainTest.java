package dev.cura.cli.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./cura up}'s PostgreSQL is durable: an accepted job must survive a crash of the machine,
 * so a commit waits for its WAL on disk. zonky (the embedded binaries) starts a test database with
 * fsync off; {@link PostgresMain} overrides it, and the bench's opt-out turns back exactly zonky's
 * settings (what {@code ./cura up} ran with before).
 */
class PostgresMainTest {
  @TempDir static Path dir;

  @Test
  void theLocalServerIsDurableByDefault() throws Exception {
    assertEquals(
        Map.of("fsync", "on", "synchronous_commit", "on", "full_page_writes", "on"),
        settings("durable", true));
  }

  @Test
  void theNotDurableOptionTurnsFsyncAndSynchronousCommitOff() throws Exception {
    assertEquals(
        Map.of("fsync", "off", "synchronous_commit", "off", "full_page_writes", "on"),
        settings("fast", false));
  }

  private static Map<String, String> settings(String name, boolean durable) throws Exception {
    try (var pg =
        PostgresMain.start(dir.resolve(name), dir.resolve("work"), Children.freePort(), durable)) {
      try (Connection c = pg.getPostgresDatabase().getConnection()) {
        var out = new LinkedHashMap<String, String>();
        for (String s : List.of("fsync", "synchronous_commit", "full_page_writes")) {
          out.put(s, show(c, s));
        }
        return out;
      }
    }
  }

  private static String show(Connection c, String setting) throws SQLException {
    try (var st = c.createStatement();
        var rs = st.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
