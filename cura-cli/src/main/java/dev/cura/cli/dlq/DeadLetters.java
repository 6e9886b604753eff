package dev.cura.cli.dlq;

import dev.cura.cli.client.KafkaClients;
import dev.cura.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * A service's dead-letter topic {@code cura.dlq.<service>}: reads what is there (with SmallRye's
 * {@code dead-letter-*} headers and CURA's {@code cura-error-*} headers, see KafkaEvents) and
 * re-drives records to the topic they came from after a fix. Reading never commits offsets (no
 * consumer group is left behind).
 */
public final class DeadLetters {
  /** SmallRye's header naming the topic the record was consumed from. */
  static final String ORIGINAL_TOPIC = "dead-letter-topic";

  /** One dead letter. */
  public record Letter(
      int partition,
      long offset,
      Instant time,
      String key,
      Map<String, String> headers,
      byte[] value) {
    /** The topic the record was consumed from, or null when the header is missing. */
    public String originalTopic() {
      return headers.get(ORIGINAL_TOPIC);
    }

    /** The error code KafkaEvents gave (e.g. {@code malformed_json}), or {@code -}. */
    public String code() {
      return headers.getOrDefault("cura-error-code", "-");
    }

    /** Why it was dead-lettered (SmallRye's {@code dead-letter-reason}). */
    public String reason() {
      return headers.getOrDefault("dead-letter-reason", "");
    }

    /** The headers a replay keeps: the record's own, without the dead-letter bookkeeping. */
    Map<String, String> replayHeaders() {
      var out = new LinkedHashMap<String, String>();
      headers.forEach(
          (k, v) -> {
            if (!k.startsWith("dead-letter-") && !k.startsWith("cura-error-")) {
              out.put(k, v);
            }
          });
      return out;
    }
  }

  private final String bootstrap;
  private final String topic;

  /**
   * @param bootstrap Kafka bootstrap servers
   * @param service gateway, quantizer, trainer or registry
   * @throws IllegalArgumentException for another service name
   */
  public DeadLetters(String bootstrap, String service) {
    this.bootstrap = bootstrap;
    this.topic = Topics.dlq(service);
  }

  public String topic() {
    return topic;
  }

  /** Every dead letter at or after {@code since} (null: all), oldest first per partition. */
  public List<Letter> list(Instant since) {
    var out = new ArrayList<Letter>();
    try (var consumer = consumer()) {
      var partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      if (partitions.isEmpty()) {
        return out;
      }
      consumer.assign(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
      if (since == null) {
        consumer.seekToBeginning(partitions);
      } else {
        var query = new HashMap<TopicPartition, Long>();
        partitions.forEach(p -> query.put(p, since.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> at =
            consumer.offsetsForTimes(query, Duration.ofSeconds(10));
        for (TopicPartition p : partitions) {
          OffsetAndTimestamp o = at.get(p);
          consumer.seek(p, o == null ? end.get(p) : o.offset());
        }
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!caughtUp(consumer, partitions, end) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(
              new Letter(
                  r.partition(),
                  r.offset(),
                  Instant.ofEpochMilli(r.timestamp()),
                  r.key(),
                  headers(r),
                  r.value()));
        }
      }
    }
    return out;
  }

  /**
   * Sends {@code letters} back to the topics they came from, with their key, value and CloudEvents
   * headers (the dead-letter headers dropped), and waits for the broker's acknowledgements.
   *
   * @return the letters sent; letters without an original topic are skipped
   */
  public List<Letter> replay(List<Letter> letters) {
    var sent = new ArrayList<Letter>();
    try (var producer = new KafkaProducer<String, byte[]>(KafkaClients.producer(bootstrap))) {
      var acks = new ArrayList<java.util.concurrent.Future<?>>();
      for (Letter l : letters) {
        if (l.originalTopic() == null) {
          continue;
        }
        var record = new ProducerRecord<String, byte[]>(l.originalTopic(), l.key(), l.value());
        l.replayHeaders()
            .forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        acks.add(producer.send(record));
        sent.add(l);
      }
      for (var a : acks) {
        a.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while replaying", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("replay failed: " + e.getCause().getMessage(), e);
    }
    return sent;
  }

  private static boolean caughtUp(
      KafkaConsumer<?, ?> consumer,
      List<TopicPartition> partitions,
      Map<TopicPartition, Long> end) {
    return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
  }

  private KafkaConsumer<String, byte[]> consumer() {
    return new KafkaConsumer<>(KafkaClients.reader(bootstrap, "cura-dlq-reader-"));
  }

  private static Map<String, String> headers(ConsumerRecord<?, ?> r) {
    var out = new LinkedHashMap<String, String>();
    for (Header h : r.headers()) {
      out.put(h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
    }
    return out;
  }
}
