package dev.cura.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventCodecTest {
  private final EventCodec codec = new EventCodec();

  @Test
  void everyEventRoundTripsWithItsHeaders() {
    for (CuraEvent event : Samples.all()) {
      EncodedEvent enc = codec.encode(Samples.envelope(event));
      EventType type = EventType.of(event);
      assertEquals(type.topic(), enc.topic());
      assertEquals(Samples.JOB, enc.key());
      assertEquals("evt-1", enc.headers().get("ce_id"));
      assertEquals("/cura/test", enc.headers().get("ce_source"));
      assertEquals("1.0", enc.headers().get("ce_specversion"));
      assertEquals(
          "dev.cura." + event.getClass().getSimpleName() + ".v1", enc.headers().get("ce_type"));
      assertEquals(Samples.JOB, enc.headers().get("ce_subject"));
      assertEquals("2026-11-29T12:00:00.123Z", enc.headers().get("ce_time"));
      assertEquals(type.dataSchema(), enc.headers().get("ce_dataschema"));
      assertEquals("application/json", enc.headers().get("content-type"));

      EventEnvelope<CuraEvent> back = codec.decodeBytes(enc.headerBytes(), enc.value());
      assertEquals(Samples.envelope(event), back, () -> "round trip of " + type);
    }
  }

  @Test
  void jsonIsSnakeCaseAndOmitsAbsentOptionalFields() {
    var event = new CancelRequested("ftjob-7", null, null);
    String json = codec.encode(EventEnvelope.create("/cura/gateway", event)).valueAsString();
    assertEquals("{\"job_id\":\"ftjob-7\"}", json);
    String ft = codec.encode(Samples.envelope(Samples.fineTuneRequested())).valueAsString();
    assertTrue(ft.contains("\"base_model\":{\"uri\":\"cura-tiny\""), ft);
    assertTrue(ft.contains("\"adapter_name\":\"youtube-replies\""), ft);
    assertTrue(ft.contains("\"double_quant\":true"), ft);
    String failed =
        codec
            .encode(
                Samples.envelope(
                    new JobFailed("j", JobFailed.Stage.QUANTIZING, JobFailed.Code.INTERNAL, "x")))
            .valueAsString();
    assertTrue(failed.contains("\"stage\":\"quantizing\",\"code\":\"internal\""), failed);
  }

  @Test
  void unknownFieldsAreTolerated() {
    String json =
        "{\"job_id\":\"ftjob-1\",\"step\":5,\"digest\":\""
            + Samples.SHA_A
            + "\","
            + "\"added_in_a_later_release\":{\"nested\":[1,2]},\"another\":true}";
    var env = codec.decode(headers("dev.cura.CheckpointSaved.v1"), bytes(json));
    assertEquals(new CheckpointSaved("ftjob-1", 5, Samples.SHA_A, null), env.data());
  }

  @Test
  void missingRequiredFieldIsRejectedNamingTheField() {
    var e =
        assertThrows(
            EventDecodingException.class,
            () ->
                codec.decode(
                    headers("dev.cura.CheckpointSaved.v1"),
                    bytes("{\"job_id\":\"j\",\"step\":1}")));
    assertEquals(EventDecodingException.Reason.MISSING_FIELD, e.reason());
    assertEquals("digest", e.field());
    assertTrue(e.getMessage().contains("'digest'"), e.getMessage());
  }

  @Test
  void missingNestedFieldIsRejectedWithItsPath() {
    EncodedEvent enc = codec.encode(Samples.envelope(Samples.fineTuneRequested()));
    String json = enc.valueAsString().replace("\"batch_size\":4,", "");
    var e =
        assertThrows(EventDecodingException.class, () -> codec.decode(enc.headers(), bytes(json)));
    assertEquals(EventDecodingException.Reason.MISSING_FIELD, e.reason());
    assertEquals("training.batch_size", e.field());
    assertTrue(e.getMessage().contains("training.batch_size"), e.getMessage());

    String noSha = enc.valueAsString().replaceFirst("\"sha256\":\"b{64}\"", "\"sha256\":null");
    var e2 =
        assertThrows(EventDecodingException.class, () -> codec.decode(enc.headers(), bytes(noSha)));
    assertEquals("datasets[0].sha256", e2.field());
  }

  @Test
  void blankRequiredStringCountsAsMissing() {
    var e =
        assertThrows(
            EventDecodingException.class,
            () ->
                codec.decode(headers("dev.cura.CancelRequested.v1"), bytes("{\"job_id\":\" \"}")));
    assertEquals(EventDecodingException.Reason.MISSING_FIELD, e.reason());
    assertEquals("job_id", e.field());
  }

  @ParameterizedTest(name = "{0}: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "dev.cura.CheckpointSaved.v1 | {\"job_id\":\"j\",\"step\":\"five\",\"digest\":\"d\"} | step",
        "dev.cura.JobFailed.v1 | {\"job_id\":\"j\",\"stage\":\"baking\",\"code\":\"internal\","
            + "\"message\":\"m\"} | stage",
        "dev.cura.CancelRequested.v1 | {\"job_id\":42} | job_id"
      })
  void wrongJsonTypeIsInvalidFieldNamingIt(String type, String json, String field) {
    var e = refusal(headers(type), json);
    assertEquals(EventDecodingException.Reason.INVALID_FIELD, e.reason(), json);
    assertEquals(field, e.field(), json);
  }

  @Test
  void malformedJsonIsRejected() {
    for (String bad : new String[] {"{\"job_id\":", "not json", "[1,2]", "", "{} {}"}) {
      var e =
          assertThrows(
              EventDecodingException.class,
              () -> codec.decode(headers("dev.cura.CancelRequested.v1"), bytes(bad)),
              bad);
      assertEquals(EventDecodingException.Reason.MALFORMED_JSON, e.reason(), bad);
    }
  }

  @Test
  void unknownTypeAndUnknownVersionAreDistinguished() {
    String json = "{\"job_id\":\"j\"}";
    assertEquals(
        EventDecodingException.Reason.UNKNOWN_TYPE,
        refusal(headers("dev.cura.Teleported.v1"), json).reason());
    assertEquals(
        EventDecodingException.Reason.UNKNOWN_TYPE,
        refusal(headers("com.example.thing"), json).reason());
    var v2 = refusal(headers("dev.cura.CancelRequested.v2"), json);
    assertEquals(EventDecodingException.Reason.UNSUPPORTED_VERSION, v2.reason());
    assertEquals("unsupported_version", v2.code());
  }

  @Test
  void anUnsupportedSpecVersionIsRejected() {
    var spec = headers("dev.cura.CancelRequested.v1");
    spec.put("ce_specversion", "0.3");
    assertEquals(
        EventDecodingException.Reason.UNSUPPORTED_SPEC_VERSION,
        refusal(spec, "{\"job_id\":\"j\"}").reason());
  }

  /** A header set to a bad value (or removed, where no value is given) is named as the field. */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "ce_id,",
    "content-type, application/avro",
    "ce_subject, other-job",
    "ce_dataschema, urn:cura:event:CancelRequested:v9",
    "ce_time, yesterday"
  })
  void headerViolationsAreRejectedNamingTheHeader(String header, String value) {
    var h = headers("dev.cura.CancelRequested.v1");
    if (value == null) {
      h.remove(header);
    } else {
      h.put(header, value);
    }
    assertEquals(header, refusal(h, "{\"job_id\":\"j\"}").field());
  }

  @Test
  void optionalHeadersMayBeAbsentAndTimeAcceptsOffsets() {
    var h = new LinkedHashMap<String, String>();
    h.put("ce_id", "x");
    h.put("ce_source", "upstream");
    h.put("ce_specversion", "1.0");
    h.put("ce_type", "dev.cura.CancelRequested.v1");
    var env = codec.decode(h, bytes("{\"job_id\":\"j\"}"));
    assertNull(env.time());
    h.put("ce_time", "2026-11-29T13:00:00+01:00");
    h.put("content-type", "application/json; charset=utf-8");
    assertEquals(
        Samples.TIME.minusMillis(123), codec.decode(h, bytes("{\"job_id\":\"j\"}")).time());
  }

  @Test
  void decodeWithExpectedTypeRejectsOtherTypes() {
    EncodedEvent enc = codec.encode(Samples.envelope(new CancelRequested("j", null, null)));
    assertEquals(
        "j", codec.decode(enc.headers(), enc.value(), CancelRequested.class).data().jobId());
    var e =
        assertThrows(
            EventDecodingException.class,
            () -> codec.decode(enc.headers(), enc.value(), FineTuneRequested.class));
    assertEquals(EventDecodingException.Reason.UNEXPECTED_TYPE, e.reason());
  }

  @Test
  void encodeRefusesAnEventMissingARequiredField() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> codec.encode(Samples.envelope(new CheckpointSaved("j", 1, null, null))));
    assertTrue(e.getMessage().contains("'digest'"), e.getMessage());
  }

  @Test
  void nanLossSurvivesTheRoundTrip() {
    var p = new TrainingProgress("j", 1, 0.0, Double.NaN, 1e-4, 10, 1, null, null);
    EncodedEvent enc = codec.encode(Samples.envelope(p));
    var back = (TrainingProgress) codec.decode(enc.headers(), enc.value()).data();
    assertTrue(Double.isNaN(back.loss()));
  }

  @Test
  void headerBytesAreUtf8() {
    var enc = codec.encode(Samples.envelope(new CancelRequested("jöb", null, null)));
    assertArrayEquals("jöb".getBytes(StandardCharsets.UTF_8), enc.headerBytes().get("ce_subject"));
  }

  @Test
  void topicsAreTheDesignNames() {
    assertEquals("cura.dlq.quantizer", Topics.dlq("quantizer"));
    assertThrows(IllegalArgumentException.class, () -> Topics.dlq("nope"));
    assertEquals(11, Topics.all().size());
    assertEquals(Topics.JOB_PROGRESS, EventType.CHECKPOINT_SAVED.topic());
  }

  /** The codec's refusal of a record. */
  private EventDecodingException refusal(Map<String, String> headers, String json) {
    return assertThrows(EventDecodingException.class, () -> codec.decode(headers, bytes(json)));
  }

  private static Map<String, String> headers(String type) {
    var h = new LinkedHashMap<String, String>();
    h.put("ce_id", "evt-9");
    h.put("ce_source", "/test");
    h.put("ce_specversion", "1.0");
    h.put("ce_type", type);
    h.put("content-type", "application/json");
    return h;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
