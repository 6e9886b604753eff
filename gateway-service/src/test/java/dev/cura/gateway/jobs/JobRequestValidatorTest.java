package dev.cura.gateway.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cura.events.JobSpec;
import dev.cura.rest.api.ApiException;
import org.junit.jupiter.api.Test;

class JobRequestValidatorTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode body(String json) throws Exception {
    return JSON.readTree(json);
  }

  @Test
  void defaultsFollowQLoRAAndAutoIsAccepted() throws Exception {
    var request =
        JobRequestValidator.validate(
            body(
                "{\"model\":\"m\",\"training_file\":\"file-1\",\"hyperparameters\":{\"n_epochs\":\"auto\"}}"),
            () -> 99);
    var spec = request.spec();
    assertEquals(JobSpec.builder().seed(99L).build(), spec, "the one rule set's defaults");
    assertEquals(64, spec.lora().r());
    assertEquals(16.0, spec.lora().alpha());
    assertEquals("nf4", spec.quantization().type());
    assertTrue(spec.quantization().doubleQuant());
    assertEquals(64, spec.quantization().blocksize());
    assertEquals("paged_adamw_32bit", spec.optimizer().name());
    assertEquals(1, spec.training().epochs());
    assertEquals(99L, spec.training().seed());
    assertEquals("m-ft", request.adapterName());
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
        "hyperparameters.learning_rate must be a number in (0, 1], got 0"
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
      {
        "{\"model\":\"m\",\"training_file\":\"f\",\"hyperparameters\":{\"use_rslora\":1}}",
        "hyperparameters.use_rslora",
        "must be true or false, got 1"
      },
      {
        "{\"model\":\"m\",\"training_file\":\"f\",\"hyperparameters\":{\"lora_target_modules\":[\"q_proj\",\"q_proj\"]}}",
        "hyperparameters.lora_target_modules",
        "names 'q_proj' twice"
      },
      {
        "{\"model\":\"m\",\"training_file\":\"f\",\"quantization\":{\"bits\":4}}",
        "quantization.bits",
        "unknown field"
      },
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

  @Test
  void everySettingOfTheSpecCanBeGivenAndComesBackOnTheJob() throws Exception {
    var spec =
        JobRequestValidator.validate(
                body(
                    "{\"model\":\"m\",\"training_file\":\"f\",\"optimizer\":\"paged_adamw_8bit\",\"seed\":3,"
                        + "\"quantization\":{\"type\":\"none\",\"double_quant\":false,\"blocksize\":128},"
                        + "\"hyperparameters\":{\"n_epochs\":2,\"batch_size\":2,\"learning_rate\":1e-3,"
                        + "\"lora_r\":8,\"lora_alpha\":16,\"lora_dropout\":0,\"lora_target_modules\":[\"q_proj\"],"
                        + "\"use_rslora\":true,\"max_steps\":7,\"seq_len\":64,\"checkpoint_every\":2,"
                        + "\"gradient_accumulation_steps\":4,\"weight_decay\":0.01,\"warmup_ratio\":0.1,"
                        + "\"max_grad_norm\":1,\"packing\":true}}"),
                () -> 1)
            .spec();
    assertEquals(
        JobSpec.builder()
            .optimizer("paged_adamw_8bit")
            .seed(3L)
            .quantType("none")
            .doubleQuant(false)
            .blocksize(128)
            .epochs(2)
            .batchSize(2)
            .learningRate(1e-3)
            .loraR(8)
            .loraAlpha(16.0)
            .loraDropout(0.0)
            .targetModules(java.util.List.of("q_proj"))
            .useRslora(true)
            .maxSteps(7)
            .seqLen(64)
            .checkpointEvery(2)
            .gradientAccumulationSteps(4)
            .weightDecay(0.01)
            .warmupRatio(0.1)
            .maxGradNorm(1.0)
            .packing(true)
            .build(),
        spec);
    var hp = JobSpecJson.hyperparameters(spec);
    assertEquals(JobSpecJson.HYPERPARAMETER_NAMES, hp.keySet(), "every hyperparameter is shown");
    assertEquals(8, hp.get("lora_r"));
    assertEquals(
        java.util.Map.of("type", "none", "double_quant", false, "blocksize", 128),
        JobSpecJson.quantization(spec));
  }

  @Test
  void allViolationsAreListedAndTheFirstIsTheParam() throws Exception {
    var e =
        assertThrows(
            ApiException.class,
            () ->
                JobRequestValidator.validate(
                    body(
                        "{\"model\":\"m\",\"training_file\":\"f\",\"hyperparameters\":{\"lora_r\":0,\"seq_len\":1}}"),
                    () -> 1));
    assertEquals("hyperparameters.lora_r", e.param());
    assertEquals(
        "hyperparameters.lora_r must be an integer in 1..1024, got 0; "
            + "hyperparameters.seq_len must be an integer in 8..131072, got 1",
        e.getMessage());
  }
}
