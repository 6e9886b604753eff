package dev.cura.gateway.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cura.events.EncodedEvent;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * The transactional outbox: an encoded event written in the same transaction as the state change
 * that caused it ({@link OutboxRelay} sends and deletes it). The CloudEvents id is fixed here, so a
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

  public static OutboxRecord of(EncodedEvent e) {
    var row = new OutboxRecord();
    row.topic = e.topic();
    row.key = e.key();
    try {
      row.headers = JSON.writeValueAsString(e.headers());
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
    row.payload = e.value();
    row.createdAt = Instant.now();
    return row;
  }
}
