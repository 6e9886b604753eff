package dev.cura.events;

import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.message.MessageReader;
import io.cloudevents.core.message.impl.BaseGenericBinaryMessageReaderImpl;
import io.cloudevents.core.message.impl.GenericStructuredMessageReader;
import io.cloudevents.core.message.impl.MessageUtils;
import io.cloudevents.rw.CloudEventRWException;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Kafka record as a CloudEvent with the CloudEvents SDK, in either content mode of the
 * CloudEvents Kafka protocol binding:
 *
 * <ul>
 *   <li>binary: context attributes in {@code ce_<attribute>} headers, {@code datacontenttype} in
 *       {@code content-type}, the data as the record value (what CURA publishes);
 *   <li>structured: {@code content-type: application/cloudevents+json}, the whole event (attributes
 *       and {@code data} or {@code data_base64}) as the JSON record value (what the CloudEvents
 *       SDKs send by default).
 * </ul>
 *
 * The SDK decides the mode from {@code content-type} and checks the envelope (required attributes,
 * spec version, URI and time syntax); its errors become {@link EventDecodingException}s naming the
 * header ({@code ce_time}) or, in structured mode, the envelope attribute ({@code time}). Kafka's
 * own types are not used here (cura-events stays framework-free): headers come as strings.
 */
final class KafkaBinding {
  /** Header prefix of context attributes in binary mode. */
  static final String CE_PREFIX = "ce_";

  private static final Pattern NAMED =
      Pattern.compile("(?:for \"|mandatory |Attribute '|attribute )([a-z0-9]+)");

  private KafkaBinding() {}

  /** How a record was encoded. */
  enum Mode {
    BINARY,
    STRUCTURED
  }

  /** A record read as a CloudEvent, and how it came. */
  record Read(CloudEvent event, Mode mode) {
    /** Where an attribute lives in this mode: {@code ce_time} (binary) or {@code time}. */
    String fieldOf(String attribute) {
      return fieldName(mode, attribute);
    }
  }

  /**
   * @param headers record headers as UTF-8 strings
   * @param value record value
   * @throws EventDecodingException when the record is no CloudEvent of either mode
   */
  static Read read(Map<String, String> headers, byte[] value) {
    Mode[] mode = {Mode.BINARY};
    try {
      MessageReader reader =
          MessageUtils.parseStructuredOrBinaryMessage(
              () -> headers.get(EventHeaders.CONTENT_TYPE),
              (EventFormat format) -> {
                mode[0] = Mode.STRUCTURED;
                return new GenericStructuredMessageReader(
                    format, value == null ? new byte[0] : value);
              },
              () -> headers.get(EventHeaders.SPEC_VERSION),
              (SpecVersion version) -> new HeaderMapReader(version, headers, value));
      return new Read(reader.toEvent(), mode[0]);
    } catch (CloudEventRWException e) {
      throw translate(e, mode[0], e.getKind(), headers);
    } catch (RuntimeException e) {
      // the SDK reports a missing attribute (IllegalStateException) or a structured body that is
      // not a CloudEvent (EventDeserializationException) without a kind
      throw translate(e, mode[0], null, headers);
    }
  }

  private static EventDecodingException translate(
      RuntimeException e,
      Mode mode,
      CloudEventRWException.CloudEventRWExceptionKind kind,
      Map<String, String> headers) {
    String message = firstLine(e);
    if (kind == CloudEventRWException.CloudEventRWExceptionKind.UNKNOWN_ENCODING) {
      String contentType = headers.get(EventHeaders.CONTENT_TYPE);
      return new EventDecodingException(
          EventDecodingException.Reason.MISSING_HEADER,
          EventHeaders.SPEC_VERSION,
          "not a CloudEvent: expected a ce_specversion header (binary mode) or content-type"
              + " application/cloudevents+json (structured mode), got "
              + (contentType == null ? "neither" : "content-type '" + contentType + "'"));
    }
    if (kind == CloudEventRWException.CloudEventRWExceptionKind.INVALID_SPEC_VERSION) {
      return new EventDecodingException(
          EventDecodingException.Reason.UNSUPPORTED_SPEC_VERSION,
          fieldName(mode, "specversion"),
          "specversion must be 1.0: " + message);
    }
    Matcher m = NAMED.matcher(message);
    String attribute = m.find() ? m.group(1) : null;
    boolean missing = message.contains("cannot be null") || message.contains("Missing mandatory");
    String where = mode == Mode.STRUCTURED ? "structured CloudEvent" : "CloudEvent headers";
    return new EventDecodingException(
        missing
            ? EventDecodingException.Reason.MISSING_HEADER
            : attribute == null && mode == Mode.STRUCTURED
                ? EventDecodingException.Reason.MALFORMED_JSON
                : EventDecodingException.Reason.INVALID_HEADER,
        attribute == null ? null : fieldName(mode, attribute),
        "invalid " + where + ": " + message);
  }

  static String fieldName(Mode mode, String attribute) {
    if (mode == Mode.STRUCTURED) {
      return attribute;
    }
    return attribute.equals("datacontenttype") ? EventHeaders.CONTENT_TYPE : CE_PREFIX + attribute;
  }

  /** The first line of the innermost message, without exception class prefixes. */
  private static String firstLine(Throwable e) {
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    msg = msg.replaceAll("^(?:[a-z0-9_]+\\.)+[A-Za-z0-9_$]+(?:Exception|Error): ", "");
    int nl = msg.indexOf('\n');
    return (nl < 0 ? msg : msg.substring(0, nl)).strip();
  }

  /** Binary mode over string headers: the SDK's generic reader with the Kafka binding's names. */
  private static final class HeaderMapReader
      extends BaseGenericBinaryMessageReaderImpl<String, String> {
    private final Map<String, String> headers;

    HeaderMapReader(SpecVersion version, Map<String, String> headers, byte[] value) {
      super(
          version,
          value == null || value.length == 0
              ? null
              : io.cloudevents.core.data.BytesCloudEventData.wrap(value));
      this.headers = headers;
    }

    @Override
    protected boolean isContentTypeHeader(String key) {
      return key.equalsIgnoreCase(EventHeaders.CONTENT_TYPE);
    }

    @Override
    protected boolean isCloudEventsHeader(String key) {
      return key.length() > CE_PREFIX.length() && key.startsWith(CE_PREFIX);
    }

    @Override
    protected String toCloudEventsKey(String key) {
      return key.substring(CE_PREFIX.length());
    }

    @Override
    protected void forEachHeader(BiConsumer<String, String> fn) {
      headers.forEach(fn);
    }

    @Override
    protected String toCloudEventsValue(String value) {
      return value;
    }
  }
}
