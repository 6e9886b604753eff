package dev.cura.testinfra;

import dev.cura.events.EncodedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plain Kafka clients for tests against the shared broker: send a record (an {@link EncodedEvent}
 * or raw bytes, e.g. a malformed one) and wait for records on a topic.
 */
public final class TestKafka {
  private TestKafka() {}

  /** The broker's bootstrap servers (starts it on first use). */
  public static String bootstrapServers() {
    return EmbeddedKafka.bootstrapServers();
  }

  /** Sends an encoded event to its topic and waits for the broker's acknowledgement. */
  public static RecordMetadata send(EncodedEvent event) {
    return send(event.topic(), event.key(), event.headers(), event.value());
  }

  /**
   * Sends one record (acks=all) and waits for the broker's acknowledgement; a header mapped to null
   * is sent without a value (Kafka's null header value).
   */
  public static RecordMetadata send(
      String topic, String key, Map<String, String> headers, byte[] value) {
    Map<String, Object> cfg =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (var producer = new KafkaProducer<String, byte[]>(cfg)) {
      var record = new ProducerRecord<String, byte[]>(topic, key, value);
      headers.forEach(
          (k, v) -> record.headers().add(k, v == null ? null : v.getBytes(StandardCharsets.UTF_8)));
      return producer.send(record).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending to " + topic, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("send to " + topic + " failed: " + e.getCause(), e);
    }
  }

  /**
   * Reads {@code topic} from the beginning until {@code count} records match, or fails after {@code
   * timeout} listing what was seen.
   *
   * @return the first {@code count} matching records, in offset order
   */
  public static List<ConsumerRecord<String, byte[]>> await(
      String topic, Predicate<ConsumerRecord<String, byte[]>> match, int count, Duration timeout) {
    var matched = new ArrayList<ConsumerRecord<String, byte[]>>();
    var seen = new ArrayList<String>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (var consumer = new KafkaConsumer<String, byte[]>(readerConfig())) {
      consumer.subscribe(List.of(topic));
      while (matched.size() < count && System.nanoTime() < deadline) {
        for (var r : consumer.poll(Duration.ofMillis(200))) {
          seen.add(r.key() + "@" + r.offset());
          if (match.test(r) && matched.size() < count) {
            matched.add(r);
          }
        }
      }
    }
    if (matched.size() < count) {
      throw new AssertionError(
          "expected "
              + count
              + " matching record(s) on "
              + topic
              + " within "
              + timeout
              + ", got "
              + matched.size()
              + "; records seen (key@offset): "
              + seen);
    }
    return matched;
  }

  /** Every record of {@code topic} that matches, read from the beginning for {@code window}. */
  public static List<ConsumerRecord<String, byte[]>> readAll(
      String topic, Predicate<ConsumerRecord<String, byte[]>> match, Duration window) {
    var matched = new ArrayList<ConsumerRecord<String, byte[]>>();
    long deadline = System.nanoTime() + window.toNanos();
    try (var consumer = new KafkaConsumer<String, byte[]>(readerConfig())) {
      consumer.subscribe(List.of(topic));
      while (System.nanoTime() < deadline) {
        for (var r : consumer.poll(Duration.ofMillis(200))) {
          if (match.test(r)) {
            matched.add(r);
          }
        }
      }
    }
    return matched;
  }

  /**
   * Every record of {@code topic} that matches, read from the beginning up to the topic's current
   * end (for "exactly one" assertions without waiting).
   */
  public static List<ConsumerRecord<String, byte[]>> readToEnd(
      String topic, Predicate<ConsumerRecord<String, byte[]>> match) {
    var out = new ArrayList<ConsumerRecord<String, byte[]>>();
    try (var consumer = new KafkaConsumer<String, byte[]>(readerConfig())) {
      var partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      var end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (var r : consumer.poll(Duration.ofMillis(200))) {
          if (match.test(r)) {
            out.add(r);
          }
        }
      }
    }
    return out;
  }

  /** A reader of its own group that starts at the beginning and commits nothing. */
  private static Map<String, Object> readerConfig() {
    return Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, EmbeddedKafka.uniqueGroup(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
  }

  /**
   * Waits until consumer group {@code group} has committed past the record {@code sent} (it read
   * and handled it, or dead-lettered it), or fails after {@code timeout} with the group's offset.
   */
  public static void awaitCommittedPast(String group, RecordMetadata sent, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long committed;
    while ((committed = committedOffset(group, sent.topic(), sent.partition())) <= sent.offset()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "group "
                + group
                + " did not commit past "
                + sent
                + " within "
                + timeout
                + "; its offset: "
                + committed);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  /**
   * The offset a consumer group has committed on one partition, or -1 when it has committed none
   * (the next record it will read; a group is past record {@code o} when this is {@code > o}).
   */
  public static long committedOffset(String group, String topic, int partition) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      var offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      var committed = offsets.get(new TopicPartition(topic, partition));
      return committed == null ? -1 : committed.offset();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not read offsets of group " + group, e);
    }
  }

  /** A record's headers as strings (UTF-8; the last value wins for repeated names). */
  public static Map<String, String> headers(ConsumerRecord<?, ?> record) {
    var out = new LinkedHashMap<String, String>();
    for (Header h : record.headers()) {
      out.put(h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
    }
    return out;
  }

  /** A record's value as a UTF-8 string. */
  public static String value(ConsumerRecord<?, byte[]> record) {
    return record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8);
  }
}
