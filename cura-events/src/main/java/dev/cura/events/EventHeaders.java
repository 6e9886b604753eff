package dev.cura.events;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Kafka header names of the CloudEvents Kafka protocol binding, binary content mode: context
 * attributes as {@code ce_<attribute>} headers, {@code datacontenttype} as {@code content-type},
 * the payload as the record value. Header values are UTF-8 strings.
 */
public final class EventHeaders {
  public static final String ID = "ce_id";
  public static final String SOURCE = "ce_source";
  public static final String SPEC_VERSION = "ce_specversion";
  public static final String TYPE = "ce_type";
  public static final String SUBJECT = "ce_subject";
  public static final String TIME = "ce_time";
  public static final String DATA_SCHEMA = "ce_dataschema";
  public static final String CONTENT_TYPE = "content-type";

  /** The only CloudEvents version CURA speaks. */
  public static final String SPEC_VERSION_1_0 = "1.0";

  /** The only payload encoding CURA speaks. */
  public static final String APPLICATION_JSON = "application/json";

  private EventHeaders() {}

  /** String headers → UTF-8 bytes, keeping the order. */
  public static Map<String, byte[]> toBytes(Map<String, String> headers) {
    var out = new LinkedHashMap<String, byte[]>();
    headers.forEach((k, v) -> out.put(k, v.getBytes(StandardCharsets.UTF_8)));
    return out;
  }

  /**
   * UTF-8 byte headers → strings. A null value (Kafka allows it) becomes an empty string, which
   * validation treats as missing.
   */
  public static Map<String, String> fromBytes(Map<String, byte[]> headers) {
    var out = new LinkedHashMap<String, String>();
    headers.forEach((k, v) -> out.put(k, v == null ? "" : new String(v, StandardCharsets.UTF_8)));
    return out;
  }
}
