package dev.cura.events;

import java.nio.charset.StandardCharsets;
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

  /** The payload as a string (for logs and tests). */
  public String valueAsString() {
    return new String(value, StandardCharsets.UTF_8);
  }
}
