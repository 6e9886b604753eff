package dev.cura.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * config.json per family: transformers' defaults for absent fields, and one clear error (naming the
 * field and its value) for everything that would change the math in a way CURA does not compute.
 */
class FamilyConfigsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static ObjectNode base(String type) {
    ObjectNode n = JSON.createObjectNode();
    n.put("model_type", type);
    n.put("vocab_size", 32);
    n.put("hidden_size", 16);
    n.put("intermediate_size", 32);
    n.put("num_hidden_layers", 4);
    n.put("num_attention_heads", 4);
    n.put("num_key_value_heads", 2);
    return n;
  }

  static String error(ObjectNode n) {
    return assertThrows(IllegalArgumentException.class, () -> LlamaConfig.parse(n, "config.json"))
        .getMessage();
  }

  @ParameterizedTest
  @CsvSource({
    "llama, hidden_act, '\"relu\"', hidden_act = 'relu'",
    "qwen2, hidden_act, '\"gelu_python\"', hidden_act = 'gelu_python'",
    "gemma2, hidden_activation, '\"relu\"', hidden_activation = 'relu'",
    "llama, rope_scaling, '{\"rope_type\": \"yarn\", \"factor\": 4}', rope_scaling type 'yarn'",
    "llama, rope_scaling, '{\"type\": \"dynamic\", \"factor\": 2}', rope_scaling type 'dynamic'",
    "phi3, rope_scaling, '{\"type\": \"linear\", \"factor\": 2}', rope_scaling type 'linear'",
    "llama, rope_scaling, '{\"rope_type\": \"llama3\", \"factor\": 8}', low_freq_factor",
    "mistral, mlp_bias, true, mlp_bias = true",
    "qwen2, mlp_bias, true, mlp_bias = true",
    "mistral, attention_bias, true, attention_bias = true",
    "phi3, attention_bias, true, attention_bias = true",
    "llama, partial_rotary_factor, 0.5, partial_rotary_factor = 0.5",
    "llama, attn_logit_softcapping, 50.0, attn_logit_softcapping = 50.0",
    "qwen2, final_logit_softcapping, 30.0, final_logit_softcapping = 30.0",
    "llama, use_qk_norm, true, use_qk_norm = true",
    "qwen3, num_experts, 8, num_experts = 8",
    "llama, logits_scaling, 4.0, logits_scaling = 4.0",
    "phi3, head_dim, 8, head_dim = 8",
    "mistral, sliding_window, 0, sliding_window must be null or an integer >= 1",
  })
  void unsupportedMathIsOneClearError(String type, String field, String value, String expected)
      throws Exception {
    ObjectNode n = base(type);
    n.set(field, JSON.readTree(value));
    String message = error(n);
    assertTrue(message.startsWith("config.json: "), message);
    assertTrue(message.contains(expected), message);
  }

  @Test
  void unknownModelTypeNamesTheSupportedOnes() {
    String message = error(base("falcon"));
    assertTrue(message.contains("[gemma2, llama, mistral, phi3, qwen2, qwen3]"), message);
    assertTrue(message.contains("'falcon'"), message);
  }

  @Test
  void geluOnLlamaIsComputedAsGelu() {
    ObjectNode n = base("llama");
    n.put("hidden_act", "gelu_pytorch_tanh");
    assertEquals("gelu_pytorch_tanh", LlamaConfig.parse(n, "c").arch().activation());
    n.put("hidden_act", "gelu_new");
    assertEquals("gelu_pytorch_tanh", LlamaConfig.parse(n, "c").arch().activation());
    n.put("hidden_act", "gelu");
    assertEquals("gelu", LlamaConfig.parse(n, "c").arch().activation());
    n.remove("hidden_act");
    assertEquals("silu", LlamaConfig.parse(n, "c").arch().activation());
  }

  @Test
  void familyDefaultsAreTransformers() {
    LlamaConfig mistral = LlamaConfig.parse(base("mistral"), "c");
    assertEquals(4096, mistral.slidingWindow(), "MistralConfig's default window");
    ObjectNode noWindow = base("mistral");
    noWindow.putNull("sliding_window");
    assertEquals(0, LlamaConfig.parse(noWindow, "c").slidingWindow());

    LlamaConfig qwen3 = LlamaConfig.parse(base("qwen3"), "c");
    assertEquals(128, qwen3.headDim(), "Qwen3Config's default head_dim");
    assertTrue(qwen3.arch().qkNorm());
    assertFalse(qwen3.arch().qkvBias());

    LlamaConfig qwen2 = LlamaConfig.parse(base("qwen2"), "c");
    assertTrue(qwen2.arch().qkvBias());
    assertFalse(qwen2.arch().outBias());
    assertEquals(0, qwen2.slidingWindow(), "use_sliding_window defaults to false");

    LlamaConfig gemma = LlamaConfig.parse(base("gemma2"), "c");
    assertEquals(256, gemma.headDim());
    assertTrue(gemma.tieWordEmbeddings());
    assertEquals(50.0, gemma.arch().attnSoftcap());
    assertEquals(30.0, gemma.arch().finalSoftcap());
    assertEquals(Math.pow(224, -0.5), gemma.arch().queryScale(), 1e-15);
    assertEquals(4096, gemma.windowOf(0));
    assertEquals(0, gemma.windowOf(1), "gemma2 alternates: odd layers attend globally");

    LlamaConfig phi3 = LlamaConfig.parse(base("phi3"), "c");
    assertTrue(phi3.arch().fused());
    assertEquals(1e-5, phi3.rmsNormEps());
    assertEquals(0, phi3.slidingWindow());
  }

  @Test
  void qwenSlidingWindowFollowsMaxWindowLayers() {
    ObjectNode n = base("qwen2");
    n.put("use_sliding_window", true);
    n.put("sliding_window", 8);
    n.put("max_window_layers", 2);
    LlamaConfig c = LlamaConfig.parse(n, "c");
    assertEquals(
        List.of(0, 0, 8, 8), List.of(c.windowOf(0), c.windowOf(1), c.windowOf(2), c.windowOf(3)));
    n.putArray("layer_types")
        .add("full_attention")
        .add("full_attention")
        .add("sliding_attention")
        .add("sliding_attention");
    assertEquals(c, LlamaConfig.parse(n, "c"));
    ((com.fasterxml.jackson.databind.node.ArrayNode) n.get("layer_types"))
        .set(0, "sliding_attention");
    assertTrue(error(n).contains("layer_types[0] = 'sliding_attention'"), error(n));
  }

  @Test
  void llama3RopeScalingBlendsFrequencies() {
    RopeScaling s = RopeScaling.llama3(8, 1, 4, 64);
    float[] plain = RopeScaling.NONE.invFreq(16, 500000, 12);
    float[] scaled = s.invFreq(16, 500000, 12);
    // wavelength 2π/f: < 16 unchanged, > 64 divided by 8, in between blended
    for (int i = 0; i < plain.length; i++) {
      double wavelen = 2 * Math.PI / plain[i];
      if (wavelen < 16) {
        assertEquals(plain[i], scaled[i]);
      } else if (wavelen > 64) {
        assertEquals(plain[i] / 8, scaled[i], 1e-12);
      } else {
        assertTrue(scaled[i] < plain[i] && scaled[i] > plain[i] / 8, "blended at " + i);
      }
    }
    assertArrayEquals(
        new float[] {0.5f, 0.25f}, RopeScaling.linear(2).invFreq(4, 4, 3), 1e-7f, "linear");
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "mistral", "qwen2", "qwen3", "phi3", "gemma2"})
  void writtenConfigReadsBackTheSame(String type) {
    ObjectNode n = base(type);
    if (type.equals("llama")) {
      n.set(
          "rope_scaling",
          JSON.createObjectNode()
              .put("rope_type", "llama3")
              .put("factor", 8.0)
              .put("low_freq_factor", 1.0)
              .put("high_freq_factor", 4.0)
              .put("original_max_position_embeddings", 8192));
      n.put("attention_bias", true);
    }
    LlamaConfig c = LlamaConfig.parse(n, "c");
    LlamaConfig again = LlamaConfig.parse(c.toJson(), "written");
    assertEquals(c.toJson(), again.toJson());
    assertEquals(c.arch().withFamily(type), again.arch());
  }
}
