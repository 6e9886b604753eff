package dev.cura.testinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.events.EncodedEvent;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.Topics;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The shared broker and database work without Quarkus: an event round trip and a SQL query. */
class SharedInfraTest {
  @Test
  void eventRoundTripsThroughTheBrokerWithKeyAndHeaders() {
    String job = "ftjob-" + UUID.randomUUID();
    EventCodec codec = new EventCodec();
    EncodedEvent sent =
        codec.encode(EventEnvelope.create("/cura/test", SampleEvents.cancelRequested(job)));
    TestKafka.send(sent);

    var got =
        TestKafka.await(Topics.JOB_CANCEL, r -> job.equals(r.key()), 1, Duration.ofSeconds(30));
    var headers = TestKafka.headers(got.get(0));
    assertEquals("dev.cura.CancelRequested.v1", headers.get("ce_type"));
    assertEquals(job, codec.decode(headers, got.get(0).value()).data().jobId());
  }

  @Test
  void postgresAnswersSql() throws Exception {
    var c = EmbeddedPostgresServer.connection();
    String jdbc = "jdbc:" + c.reactiveUrl();
    try (var conn = DriverManager.getConnection(jdbc, c.user(), c.password());
        var rs = conn.createStatement().executeQuery("select version()")) {
      assertTrue(rs.next());
      assertTrue(rs.getString(1).startsWith("PostgreSQL"), rs.getString(1));
    }
  }

  @Test
  void postgresCanBeStoppedAndStartedAgainWithItsData() throws Exception {
    var c = EmbeddedPostgresServer.connection();
    String jdbc = "jdbc:" + c.reactiveUrl();
    try (var conn = DriverManager.getConnection(jdbc, c.user(), c.password())) {
      conn.createStatement().execute("create table if not exists outage_probe (n int)");
      conn.createStatement().execute("insert into outage_probe values (7)");
    }
    EmbeddedPostgresServer.stop();
    assertThrows(
        java.sql.SQLException.class,
        () -> DriverManager.getConnection(jdbc, c.user(), c.password()).close());
    EmbeddedPostgresServer.startAgain();
    try (var conn = DriverManager.getConnection(jdbc, c.user(), c.password());
        var rs = conn.createStatement().executeQuery("select sum(n) from outage_probe")) {
      assertTrue(rs.next());
      assertTrue(rs.getInt(1) >= 7, "the data survived the restart");
    }
  }
}
