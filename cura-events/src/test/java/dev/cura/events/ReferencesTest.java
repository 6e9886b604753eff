package dev.cura.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReferencesTest {
  private static final String SHA = "ab".repeat(32);

  @Test
  void aContentAddressIsCasSha256AndSixtyFourLowerCaseHexDigits() {
    assertEquals(SHA, References.casDigest("uri", "cas:sha256/" + SHA));
    assertEquals("cas:sha256/" + SHA, References.cas(SHA));
    for (String bad :
        List.of(
            "/etc/passwd",
            "file:/etc/passwd",
            "file:///srv/store/sha256/" + SHA,
            "../sha256/" + SHA,
            "cas:sha256/../../" + SHA,
            "cas:sha256/" + SHA.toUpperCase(),
            "cas:sha256/" + SHA + "/data.jsonl",
            "cas:sha256/" + SHA.substring(1),
            "cas:md5/" + SHA,
            "sha256/" + SHA,
            "s3://bucket/" + SHA,
            "")) {
      var e =
          assertThrows(
              EventDecodingException.class, () -> References.casDigest("datasets[0].uri", bad));
      assertEquals("invalid_reference", e.code());
      assertEquals("datasets[0].uri", e.field());
      assertTrue(e.getMessage().startsWith("datasets[0].uri must be cas:sha256/"), e.getMessage());
    }
    assertTrue(
        assertThrows(EventDecodingException.class, () -> References.casDigest("u", "file:/x"))
            .getMessage()
            .endsWith("got a file: URI 'file:/x'"));
  }

  @Test
  void aBaseModelIsARegisteredNameNeverAPath() {
    assertEquals("llama-8b", References.modelName("base_model.uri", "llama-8b"));
    assertEquals("Meta-Llama-3.1_8B", References.modelName("m", "Meta-Llama-3.1_8B"));
    for (String bad :
        List.of(
            "/models/llama",
            "models/llama",
            "file:/models/llama",
            "..",
            ".",
            ".hidden",
            "a\u0000b",
            "x".repeat(65),
            "cas:sha256/" + SHA)) {
      var e =
          assertThrows(
              EventDecodingException.class, () -> References.modelName("base_model.uri", bad));
      assertEquals("invalid_reference", e.code());
      assertTrue(e.getMessage().contains("registered base model"), e.getMessage());
      assertTrue(!e.getMessage().contains("\u0000"), "control characters are escaped");
    }
  }

  @Test
  void everyReferenceOfEveryEventIsChecked() {
    for (CuraEvent e : Samples.all()) {
      if (e instanceof CheckpointQuantized
          || e instanceof CheckpointSaved
          || e instanceof AdapterTrained) {
        // the samples carry file: URIs, which no consumer may open
        assertEquals(
            "invalid_reference",
            assertThrows(EventDecodingException.class, () -> References.check(e)).code(),
            e.getClass().getSimpleName());
      } else {
        References.check(e);
      }
    }
    FineTuneRequested r = Samples.fineTuneRequested();
    var mismatched =
        new FineTuneRequested(
            r.jobId(),
            r.tenant(),
            r.baseModel(),
            List.of(new DatasetRef("f", "train", "cas:sha256/" + Samples.SHA_A, Samples.SHA_B)),
            r.lora(),
            r.quantization(),
            r.optimizer(),
            r.training(),
            r.adapterName());
    var e = assertThrows(EventDecodingException.class, () -> References.check(mismatched));
    assertEquals("datasets[0].uri", e.field());
    assertTrue(e.getMessage().contains("but datasets[0].sha256 is"), e.getMessage());
    var quantized =
        new CheckpointQuantized("j", SHA, "cas:sha256/" + SHA, 4.127, null, false, mismatched);
    assertEquals(
        "request.datasets[0].uri",
        assertThrows(EventDecodingException.class, () -> References.check(quantized)).field());
  }
}
