package dev.cura.core.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.core.safetensors.TensorBytes;
import dev.cura.core.tensor.DType;
import dev.cura.core.util.FormatException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuantStateTest {
  static Map<String, TensorBytes> serialized(boolean dq) {
    float[] w = new float[4096 * 4];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) Math.sin(i) * 0.02f;
    }
    return new LinkedHashMap<>(
        Quant4bit.quantize(w, new long[] {4, 4096}, DType.BF16, QuantType.NF4, 64, dq)
            .state()
            .toTensors("m.q_proj.weight"));
  }

  @Test
  void keysAndJsonAsBitsandbytesWritesThem() {
    Map<String, TensorBytes> t = serialized(true);
    assertEquals(
        List.of(
            "m.q_proj.weight.absmax",
            "m.q_proj.weight.quant_map",
            "m.q_proj.weight.nested_absmax",
            "m.q_proj.weight.nested_quant_map",
            "m.q_proj.weight.quant_state.bitsandbytes__nf4"),
        List.copyOf(t.keySet()));
    String json =
        new String(
            t.get("m.q_proj.weight.quant_state.bitsandbytes__nf4").bytes(), StandardCharsets.UTF_8);
    assertTrue(
        json.startsWith(
            "{\"quant_type\": \"nf4\", \"blocksize\": 64, \"dtype\": \"bfloat16\", \"shape\": [4,"
                + " 4096], \"nested_blocksize\": 256, \"nested_dtype\": \"float32\","
                + " \"nested_offset\": 0.0"),
        json);
    assertEquals(DType.U8, t.get("m.q_proj.weight.absmax").dtype());
    assertEquals(256, t.get("m.q_proj.weight.absmax").numel());
    assertEquals(1, t.get("m.q_proj.weight.nested_absmax").numel());
    Map<String, TensorBytes> plain = serialized(false);
    assertEquals(DType.F32, plain.get("m.q_proj.weight.absmax").dtype());
    assertEquals(3, plain.size());
  }

  @Test
  void missingOrInconsistentKeysAreNamed() {
    for (String drop :
        new String[] {
          "m.q_proj.weight.absmax",
          "m.q_proj.weight.quant_map",
          "m.q_proj.weight.nested_absmax",
          "m.q_proj.weight.nested_quant_map"
        }) {
      Map<String, TensorBytes> t = serialized(true);
      t.remove(drop);
      FormatException e =
          assertThrows(
              FormatException.class, () -> QuantState.fromTensors("m.q_proj.weight", t::get));
      assertEquals("missing key " + drop, e.getMessage());
    }
    Map<String, TensorBytes> t = serialized(true);
    t.remove("m.q_proj.weight.quant_state.bitsandbytes__nf4");
    FormatException e =
        assertThrows(
            FormatException.class, () -> QuantState.fromTensors("m.q_proj.weight", t::get));
    assertTrue(e.getMessage().contains("quant_state.bitsandbytes__nf4"), e.getMessage());
    // absmax with the wrong length
    Map<String, TensorBytes> bad = serialized(true);
    bad.put("m.q_proj.weight.absmax", TensorBytes.ofBytes(new byte[10]));
    e =
        assertThrows(
            FormatException.class, () -> QuantState.fromTensors("m.q_proj.weight", bad::get));
    assertEquals(
        "m.q_proj.weight.absmax: expected U8 with 256 elements, got U8[10]", e.getMessage());
    // nested keys but JSON says not nested
    Map<String, TensorBytes> mixed = serialized(false);
    mixed.put("m.q_proj.weight.nested_absmax", TensorBytes.ofFloats(new float[1]));
    e =
        assertThrows(
            FormatException.class, () -> QuantState.fromTensors("m.q_proj.weight", mixed::get));
    assertTrue(e.getMessage().contains("nested_absmax present"), e.getMessage());
  }
}
