package dev.cura.gateway.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cura.rest.api.ApiException;
import org.junit.jupiter.api.Test;

class JobRequestValidatorTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode body(String json) throws Exception {
    return JSON.readTree(json);
  }

  @Test
  void defaultsFollowQLoRAAndAutoIsAccepted() throws Exception {
    var spec =
        JobRequestValidator.validate(
            body(
                "{\"model\":\"m\",\"training_file\":\"file-1\",\"hyperparameters\":{\"n_epochs\":\"auto\"}}"),
            () -> 99);
    assertEquals(16, spec.lora().r());
    assertEquals(32.0, spec.lora().alpha());
    assertEquals("nf4", spec.quantization().type());
    assertTrue(spec.quantization().doubleQuant());
    assertEquals(64, spec.quantization().blocksize());
    assertEquals("paged_adamw_32bit", spec.optimizer().name());
    assertEquals(1, spec.training().epochs());
    assertEquals(99L, spec.training().seed());
    assertEquals("m-ft", spec.adapterName());
  }

  @Test
  void rejectionsNameTheField() throws Exception {
    String[][] cases = {
      {"{\"training_file\":\"f\"}", "model", "'model' is required"},
      {
        "{\"model\":\"m\",\"training_file\":\"f\",\"hyperparameters\":{\"batch_size\":2.5}}",
        "hyperparameters.batch_size",
        "got 2.5"
      },
      {
        "{\"model\":\"m\",\"training_file\":\"f\",\"hyperparameters\":{\"learning_rate\":0}}",
        "hyperparameters.learning_rate",
        "(0.0, 1.0]"
      },
      {
        "{\"model\":\"m\",\"training_file\":\"f\",\"quantization\":{\"blocksize\":48}}",
        "quantization.blocksize",
        "got 48"
      },
      {
        "{\"model\":\"m\",\"training_file\":\"f\",\"suffix\":\"Has Space\"}",
        "suffix",
        "'Has Space'"
      },
      {"{\"model\":\"m\",\"training_file\":\"f\",\"seed\":-1}", "seed", "got -1"},
      {"{\"model\":\"m\",\"training_file\":\"f\",\"colour\":1}", "colour", "unknown field"},
    };
    for (String[] c : cases) {
      var e =
          assertThrows(
              ApiException.class, () -> JobRequestValidator.validate(body(c[0]), () -> 1), c[0]);
      assertEquals(400, e.status());
      assertEquals(c[1], e.param(), c[0]);
      assertTrue(e.getMessage().contains(c[2]), e.getMessage());
    }
  }
}
