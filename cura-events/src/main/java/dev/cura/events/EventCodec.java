package dev.cura.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Encodes events to CloudEvents binary-mode Kafka records and decodes records of either content
 * mode (binary or structured) back, strictly.
 *
 * <p>Encoding: headers {@code ce_id, ce_source, ce_specversion=1.0, ce_type=dev.cura.<Event>.v<N>,
 * ce_subject=<job id>, ce_time (RFC 3339), ce_dataschema, content-type=application/json}; the value
 * is the event record as snake_case JSON (absent optional fields omitted); the key is the job id.
 *
 * <p>Decoding rejects, with an {@link EventDecodingException} naming the header (binary mode), the
 * envelope attribute (structured mode) or the field: missing required attributes, a specversion
 * other than 1.0, an unknown type or version, a content type other than JSON, a dataschema or
 * subject that does not match, malformed JSON, missing required fields and fields of the wrong
 * type. Unknown JSON fields are ignored (additive evolution).
 *
 * <p>Thread-safe; create one and share it.
 */
public final class EventCodec {
  private static final Pattern CE_TYPE = Pattern.compile("dev\\.cura\\.([A-Za-z]+)\\.v(\\d+)");

  private final ObjectMapper mapper;

  public EventCodec() {
    this.mapper =
        JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            // a number or boolean where a string belongs is a wrong type, not its text
            .withCoercionConfig(
                LogicalType.Textual,
                c ->
                    c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .defaultPropertyInclusion(
                JsonInclude.Value.construct(
                    JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .build();
  }

  /**
   * The event as a Kafka record.
   *
   * @throws IllegalArgumentException when the event lacks a required field (a producer bug)
   */
  public EncodedEvent encode(EventEnvelope<?> envelope) {
    EventType type = envelope.type();
    JsonNode tree = mapper.valueToTree(envelope.data());
    try {
      RequiredFields.check(type.recordClass(), tree, "");
    } catch (EventDecodingException e) {
      throw new IllegalArgumentException(
          "cannot encode " + type.eventName() + ": " + e.getMessage());
    }
    var headers = new LinkedHashMap<String, String>();
    headers.put(EventHeaders.ID, envelope.id());
    headers.put(EventHeaders.SOURCE, envelope.source());
    headers.put(EventHeaders.SPEC_VERSION, EventHeaders.SPEC_VERSION_1_0);
    headers.put(EventHeaders.TYPE, type.ceType());
    headers.put(EventHeaders.SUBJECT, envelope.subject());
    if (envelope.time() != null) {
      headers.put(EventHeaders.TIME, DateTimeFormatter.ISO_INSTANT.format(envelope.time()));
    }
    headers.put(EventHeaders.DATA_SCHEMA, type.dataSchema());
    headers.put(EventHeaders.CONTENT_TYPE, EventHeaders.APPLICATION_JSON);
    try {
      return new EncodedEvent(
          type.topic(), envelope.key(), headers, mapper.writeValueAsBytes(tree));
    } catch (IOException e) {
      throw new IllegalStateException("JSON serialization of " + type.eventName() + " failed", e);
    }
  }

  /** {@link #decode(Map, byte[])} with headers as Kafka carries them (UTF-8 bytes). */
  public EventEnvelope<CuraEvent> decodeBytes(Map<String, byte[]> headers, byte[] value) {
    return decode(EventHeaders.fromBytes(headers), value);
  }

  /**
   * A record back as an event, validated strictly. Both content modes of the CloudEvents Kafka
   * binding are accepted (binary: {@code ce_*} headers; structured: {@code content-type:
   * application/cloudevents+json} and the JSON envelope as the value), read by the CloudEvents SDK
   * ({@link KafkaBinding}).
   *
   * @param headers the record's headers as strings (last value wins for repeated names)
   * @param value the record value: the UTF-8 JSON payload, or the JSON envelope in structured mode
   * @throws EventDecodingException when the record is not a valid CURA event
   */
  public EventEnvelope<CuraEvent> decode(Map<String, String> headers, byte[] value) {
    KafkaBinding.Read read = KafkaBinding.read(headers, value);
    CloudEvent ce = read.event();
    if (ce.getSpecVersion() != SpecVersion.V1) {
      throw new EventDecodingException(
          EventDecodingException.Reason.UNSUPPORTED_SPEC_VERSION,
          read.fieldOf("specversion"),
          "specversion must be 1.0, got '" + ce.getSpecVersion() + "'");
    }
    EventType type = typeOf(ce.getType(), read.fieldOf("type"));
    checkContentType(ce.getDataContentType(), read.fieldOf("datacontenttype"));
    URI schema = ce.getDataSchema();
    if (schema != null
        && !schema.toString().isEmpty()
        && !schema.toString().equals(type.dataSchema())) {
      throw new EventDecodingException(
          EventDecodingException.Reason.INVALID_HEADER,
          read.fieldOf("dataschema"),
          "dataschema for "
              + type.ceType()
              + " must be '"
              + type.dataSchema()
              + "', got '"
              + schema
              + "'");
    }
    Instant time = ce.getTime() == null ? null : ce.getTime().toInstant();
    CuraEvent data = decodeData(type, ce.getData() == null ? null : ce.getData().toBytes());
    String subject = ce.getSubject();
    if (subject != null && !subject.isEmpty() && !subject.equals(data.jobId())) {
      throw new EventDecodingException(
          EventDecodingException.Reason.INVALID_HEADER,
          read.fieldOf("subject"),
          "subject must equal the job_id '" + data.jobId() + "', got '" + subject + "'");
    }
    return new EventEnvelope<>(ce.getId(), ce.getSource().toString(), time, data);
  }

  /**
   * {@link #decode(Map, byte[])} for a consumer that handles one event type only.
   *
   * @throws EventDecodingException UNEXPECTED_TYPE for a valid event of another type
   */
  @SuppressWarnings("unchecked")
  public <E extends CuraEvent> EventEnvelope<E> decode(
      Map<String, String> headers, byte[] value, Class<E> expected) {
    EventEnvelope<CuraEvent> envelope = decode(headers, value);
    if (!expected.isInstance(envelope.data())) {
      throw new EventDecodingException(
          EventDecodingException.Reason.UNEXPECTED_TYPE,
          EventHeaders.TYPE,
          "expected a " + expected.getSimpleName() + " event, got " + envelope.type().ceType());
    }
    return (EventEnvelope<E>) (EventEnvelope<?>) envelope;
  }

  /**
   * {@link #decode(Map, byte[], Class)} for a Kafka record: also checks that the record key, when
   * the producer set one, is the event's job id (all events of a job must share a partition).
   *
   * @param key the record key, or null when the producer set none
   * @throws EventDecodingException KEY_MISMATCH when the key is another job's id
   */
  public <E extends CuraEvent> EventEnvelope<E> decode(
      Map<String, String> headers, byte[] value, String key, Class<E> expected) {
    EventEnvelope<E> envelope = decode(headers, value, expected);
    if (key != null && !key.equals(envelope.data().jobId())) {
      throw new EventDecodingException(
          EventDecodingException.Reason.KEY_MISMATCH,
          "key",
          "the record key must be the job_id '" + envelope.data().jobId() + "', got '" + key + "'");
    }
    return envelope;
  }

  private static EventType typeOf(String ceType, String field) {
    var known = EventType.fromCeType(ceType);
    if (known.isPresent()) {
      return known.get();
    }
    Matcher m = CE_TYPE.matcher(ceType);
    if (m.matches() && EventType.knowsEventName(m.group(1))) {
      throw new EventDecodingException(
          EventDecodingException.Reason.UNSUPPORTED_VERSION,
          field,
          "event " + m.group(1) + " version v" + m.group(2) + " is not supported by this build");
    }
    throw new EventDecodingException(
        EventDecodingException.Reason.UNKNOWN_TYPE,
        field,
        "type must be one of dev.cura.<Event>.v<N> for a known event, got '" + ceType + "'");
  }

  private static void checkContentType(String contentType, String field) {
    if (contentType == null || contentType.isEmpty()) {
      return; // CloudEvents: datacontenttype is optional; CURA payloads are JSON
    }
    String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!mediaType.equals(EventHeaders.APPLICATION_JSON)) {
      throw new EventDecodingException(
          EventDecodingException.Reason.INVALID_HEADER,
          field,
          "the data's content type must be application/json, got '" + contentType + "'");
    }
  }

  private CuraEvent decodeData(EventType type, byte[] value) {
    if (value == null || value.length == 0) {
      throw new EventDecodingException(
          EventDecodingException.Reason.MALFORMED_JSON,
          null,
          type.eventName() + " payload must be a JSON object, got an empty value");
    }
    JsonNode tree;
    try {
      tree = mapper.readTree(value);
    } catch (JacksonException e) {
      throw new EventDecodingException(
          EventDecodingException.Reason.MALFORMED_JSON,
          null,
          type.eventName() + " payload is not valid JSON: " + firstLine(e));
    } catch (IOException e) {
      throw new EventDecodingException(
          EventDecodingException.Reason.MALFORMED_JSON,
          null,
          type.eventName() + " payload could not be read: " + e.getMessage());
    }
    if (tree == null || !tree.isObject()) {
      throw new EventDecodingException(
          EventDecodingException.Reason.MALFORMED_JSON,
          null,
          type.eventName()
              + " payload must be a JSON object, got "
              + (tree == null ? "nothing" : tree.getNodeType().name().toLowerCase(Locale.ROOT)));
    }
    RequiredFields.check(type.recordClass(), tree, "");
    try {
      return mapper.treeToValue(tree, type.recordClass());
    } catch (JsonMappingException e) {
      String path = pathOf(e);
      throw new EventDecodingException(
          EventDecodingException.Reason.INVALID_FIELD,
          path,
          "invalid value for field '" + path + "' of " + type.eventName() + ": " + firstLine(e));
    } catch (JacksonException e) {
      throw new EventDecodingException(
          EventDecodingException.Reason.MALFORMED_JSON,
          null,
          type.eventName() + " payload is not valid JSON: " + firstLine(e));
    }
  }

  private static String pathOf(JsonMappingException e) {
    var sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        sb.append(sb.isEmpty() ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String firstLine(JacksonException e) {
    String msg = e.getOriginalMessage();
    int nl = msg.indexOf('\n');
    return nl < 0 ? msg : msg.substring(0, nl);
  }
}
