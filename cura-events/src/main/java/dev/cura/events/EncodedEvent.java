package dev.cura.events;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An event in its Kafka form (CloudEvents binary mode): what a producer puts in a record.
 *
 * @param topic topic of the event type
 * @param key record key, the job id
 * @param headers CloudEvents headers ({@link EventHeaders}), values as strings
 * @param value UTF-8 JSON payload
 */
public record EncodedEvent(String topic, String key, Map<String, String> headers, byte[] value) {
  public EncodedEvent {
    headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /** The headers as Kafka carries them: UTF-8 bytes, in a stable order. */
  public Map<String, byte[]> headerBytes() {
    return EventHeaders.toBytes(headers);
  }

  /**
   * This event as a CloudEvents SDK {@link CloudEvent} with the attributes of its headers: what a
   * producer that uses the SDK (in either content mode) sends for it.
   */
  public CloudEvent toCloudEvent() {
    var event =
        CloudEventBuilder.v1()
            .withId(headers.get(EventHeaders.ID))
            .withSource(URI.create(headers.get(EventHeaders.SOURCE)))
            .withType(headers.get(EventHeaders.TYPE))
            .withSubject(headers.get(EventHeaders.SUBJECT))
            .withDataSchema(URI.create(headers.get(EventHeaders.DATA_SCHEMA)))
            .withData(EventHeaders.APPLICATION_JSON, value);
    if (headers.get(EventHeaders.TIME) != null) {
      event.withTime(OffsetDateTime.parse(headers.get(EventHeaders.TIME)));
    }
    return event.build();
  }

  /** The payload as a string (for logs and tests). */
  public String valueAsString() {
    return new String(value, StandardCharsets.UTF_8);
  }
}
