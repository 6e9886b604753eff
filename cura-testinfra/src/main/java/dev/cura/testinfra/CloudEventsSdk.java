package dev.cura.testinfra;

import dev.cura.events.EncodedEvent;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.message.Encoding;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.CloudEventSerializer;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * An upstream producer that uses the CloudEvents Java SDK's Kafka binding ({@code
 * io.cloudevents:cloudevents-kafka}'s {@link CloudEventSerializer}), in binary or structured
 * content mode, the way a system outside CURA would publish a CURA event.
 */
public final class CloudEventsSdk {
  private CloudEventsSdk() {}

  /**
   * Publishes {@code e} with the SDK's serializer in {@code mode} (key = job id) and waits for the
   * broker's acknowledgement.
   */
  public static RecordMetadata send(EncodedEvent e, Encoding mode) {
    Map<String, Object> cfg =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, CloudEventSerializer.class.getName(),
            CloudEventSerializer.ENCODING_CONFIG, mode.name(),
            CloudEventSerializer.EVENT_FORMAT_CONFIG, JsonFormat.CONTENT_TYPE);
    try (var producer = new KafkaProducer<String, CloudEvent>(cfg)) {
      return producer.send(new ProducerRecord<>(e.topic(), e.key(), e.toCloudEvent())).get();
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(ex);
    } catch (ExecutionException ex) {
      throw new IllegalStateException("send to " + e.topic() + " failed: " + ex.getCause(), ex);
    }
  }
}
