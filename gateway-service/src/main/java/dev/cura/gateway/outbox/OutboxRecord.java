package dev.cura.gateway.outbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cura.core.util.Json;
import dev.cura.events.EncodedEvent;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The transactional outbox: an encoded event written in the same statement as the state change that
 * caused it ({@link #insertFor}; {@link OutboxRelay} sends and deletes it). The entity gives the
 * table its schema; rows are written and read with SQL. The CloudEvents id is fixed here, so a
 * resend after a crash carries the same id and consumers de-duplicate it.
 */
@Entity
@Table(name = "gw_outbox")
public class OutboxRecord extends PanacheEntityBase {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long seq;

  @Column(nullable = false, length = 200)
  public String topic;

  @Column(name = "record_key", nullable = false, length = 200)
  public String key;

  /** CloudEvents headers as a JSON object of strings. */
  @Column(nullable = false, length = 4000)
  public String headers;

  @Column(nullable = false)
  public byte[] payload;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  /** When the relay gave up on the row (it can never be sent); null while it is pending. */
  @Column(name = "failed_at")
  public Instant failedAt;

  /** Why the relay gave up on it. */
  @Column(length = 2000)
  public String error;

  /**
   * The one way rows get into the outbox: an {@code INSERT} for a data-modifying {@code WITH}
   * statement that adds one outbox row per row of {@code source} (a CTE of the same statement, e.g.
   * the job row just written), so the state change and its event commit together or not at all. Its
   * five parameters, from {@code $first}, are {@link #params}.
   */
  public static String insertFor(String source, int first) {
    return insertFor(
        source,
        "$" + first,
        "$" + (first + 1),
        "$" + (first + 2),
        "$" + (first + 3),
        "$" + (first + 4));
  }

  /**
   * The same with each value an SQL expression over {@code source} (e.g. columns of an {@code
   * unnest} of array parameters, one outbox row per job of a batch; {@code source} may end with an
   * {@code ORDER BY}, the order the rows get their {@code seq} in).
   */
  public static String insertFor(
      String source, String topic, String key, String headers, String payload, String at) {
    return "INSERT INTO gw_outbox (topic, record_key, headers, payload, created_at) SELECT "
        + String.join(", ", topic, key, headers, payload, at)
        + " FROM "
        + source;
  }

  /** The parameters of {@link #insertFor}: topic, key, headers (JSON), payload, time. */
  public static List<Object> params(EncodedEvent e, OffsetDateTime at) {
    return List.of(
        e.topic(),
        e.key(),
        Json.write(JSON, e.headers()),
        io.vertx.core.buffer.Buffer.buffer(e.value()),
        at);
  }
}
