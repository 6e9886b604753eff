package dev.cura.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Structured content mode of the CloudEvents Kafka binding: the envelope as the record value with
 * {@code content-type: application/cloudevents+json}, as the CloudEvents SDKs send it by default.
 * The envelopes here are written by the SDK's own {@link JsonFormat}, the way a producer using the
 * SDK writes them.
 */
class StructuredModeTest {
  private static final Map<String, String> STRUCTURED =
      Map.of("content-type", "application/cloudevents+json; charset=UTF-8");

  private final EventCodec codec = new EventCodec();

  @Test
  void everyEventDecodesFromAnSdkWrittenStructuredEnvelope() {
    for (CuraEvent event : Samples.all()) {
      EventEnvelope<CuraEvent> expected = Samples.envelope(event);
      EncodedEvent binary = codec.encode(expected);
      byte[] envelope = sdkEnvelope(binary);
      assertEquals(expected, codec.decode(STRUCTURED, envelope), () -> "structured " + event);
    }
  }

  @Test
  void dataBase64IsAcceptedToo() {
    EncodedEvent enc = codec.encode(Samples.envelope(new CancelRequested(Samples.JOB, "r")));
    String json =
        "{\"specversion\":\"1.0\",\"id\":\"e1\",\"source\":\"/up\",\"type\":\"dev.cura.CancelRequested.v1\","
            + "\"datacontenttype\":\"application/json\",\"data_base64\":\""
            + Base64.getEncoder().encodeToString(enc.value())
            + "\"}";
    var env = codec.decode(STRUCTURED, bytes(json));
    assertEquals(new CancelRequested(Samples.JOB, "r"), env.data());
    assertEquals("/up", env.source());
  }

  @Test
  void envelopeViolationsNameTheAttribute() {
    String noId =
        "{\"specversion\":\"1.0\",\"source\":\"/up\",\"type\":\"dev.cura.CancelRequested.v1\","
            + "\"data\":{\"job_id\":\"j\"}}";
    var e = assertThrows(EventDecodingException.class, () -> codec.decode(STRUCTURED, bytes(noId)));
    assertEquals(EventDecodingException.Reason.MISSING_HEADER, e.reason());
    assertEquals("id", e.field());

    String badTime =
        noId.replace("{\"specversion", "{\"id\":\"x\",\"time\":\"soon\",\"specversion");
    var t =
        assertThrows(EventDecodingException.class, () -> codec.decode(STRUCTURED, bytes(badTime)));
    assertEquals("time", t.field());

    String v2 = noId.replace("{\"specversion", "{\"id\":\"x\",\"specversion").replace(".v1", ".v2");
    assertEquals(
        EventDecodingException.Reason.UNSUPPORTED_VERSION,
        assertThrows(EventDecodingException.class, () -> codec.decode(STRUCTURED, bytes(v2)))
            .reason());
  }

  @Test
  void aStructuredEnvelopeThatIsNotJsonOrHasNoObjectIsMalformed() {
    for (String bad :
        new String[] {
          "not json",
          "[1]",
          "{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"/up\","
              + "\"type\":\"dev.cura.CancelRequested.v1\",\"data\":\"{\\\"job_id\\\":\\\"j\\\"}\"}",
          "{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"/up\","
              + "\"type\":\"dev.cura.CancelRequested.v1\"}"
        }) {
      var e =
          assertThrows(EventDecodingException.class, () -> codec.decode(STRUCTURED, bytes(bad)));
      assertEquals(EventDecodingException.Reason.MALFORMED_JSON, e.reason(), bad);
    }
  }

  @Test
  void aRecordInNeitherModeSaysWhatWasExpected() {
    var e =
        assertThrows(
            EventDecodingException.class,
            () -> codec.decode(Map.of("content-type", "application/json"), bytes("{}")));
    assertEquals(EventDecodingException.Reason.MISSING_HEADER, e.reason());
    assertEquals("ce_specversion", e.field());
  }

  @Test
  void aKeyOtherThanTheJobIdIsRefusedAndNoKeyIsAccepted() {
    EncodedEvent enc = codec.encode(Samples.envelope(new CancelRequested(Samples.JOB, null)));
    var e =
        assertThrows(
            EventDecodingException.class,
            () -> codec.decode(enc.headers(), enc.value(), "ftjob-other", CancelRequested.class));
    assertEquals(EventDecodingException.Reason.KEY_MISMATCH, e.reason());
    assertEquals("key_mismatch", e.code());
    assertEquals(
        Samples.JOB,
        codec.decode(enc.headers(), enc.value(), null, CancelRequested.class).data().jobId());
  }

  /** The event as the CloudEvents SDK serializes it in structured mode. */
  private static byte[] sdkEnvelope(EncodedEvent binary) {
    return EventFormatProvider.getInstance()
        .resolveFormat(JsonFormat.CONTENT_TYPE)
        .serialize(binary.toCloudEvent());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
