package dev.cura.core.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.core.safetensors.SafetensorsFile;
import dev.cura.core.safetensors.TensorBytes;
import dev.cura.core.safetensors.TensorInfo;
import dev.cura.core.tensor.DType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bit-for-bit comparison with the independent numpy emulation of the bitsandbytes default backend
 * ({@code src/test/python/bnb_reference.py}, which wrote the golden files): packed codes, absmax,
 * nested absmax, code tables, the JSON blob bytes, and the dequantized values — for midpoint ties
 * and their float neighbours, all-zero / tiny / subnormal / outlier / negative-absmax / −0 blocks,
 * odd tails, F32, F16 and BF16 inputs, NF4 and FP4, with and without double quantization, block
 * sizes 32, 64, 128 and 4096.
 */
class GoldenBnbTest {
  static Path golden() throws Exception {
    return Path.of(GoldenBnbTest.class.getResource("/golden/dynamic_map_signed.bits").toURI())
        .getParent();
  }

  static Stream<Path> cases() throws Exception {
    try (Stream<Path> s = Files.list(golden())) {
      List<Path> l =
          s.filter(p -> p.getFileName().toString().matches(".*_(nf4|fp4)_(dq|nodq)\\.safetensors"))
              .sorted()
              .toList();
      assertTrue(l.size() >= 20, "golden files missing: " + l.size());
      return l.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void matchesReferenceBitForBit(Path file) throws Exception {
    String name = file.getFileName().toString();
    try (SafetensorsFile g = SafetensorsFile.open(file)) {
      String jsonKey =
          g.tensors().keySet().stream().filter(k -> k.contains("quant_state")).findFirst().get();
      String json = new String(g.readBytes(jsonKey), StandardCharsets.UTF_8);
      QuantState expected = QuantState.fromTensors("w.weight", k -> bytesOrNull(g, k));
      TensorInfo xi = g.info("x");
      float[] x = g.readFloats("x");
      DType dtype = xi.dtype();
      assertEquals(expected.dtype(), dtype, name);
      boolean dq = name.endsWith("_dq.safetensors");

      Quant4bit.Quantized q =
          Quant4bit.quantize(x, xi.shape(), dtype, expected.quantType(), expected.blocksize(), dq);
      // packed codes
      assertArrayEquals(g.readBytes("w.weight"), q.packed(), name + ": packed codes");
      assertArrayEquals(expected.packedShape(), g.info("w.weight").shape(), name);
      // the scalar reference agrees too
      byte[] refPacked = new byte[q.packed().length];
      float[] refAbsmax = new float[expected.blocks()];
      Blockwise4bitReference.quantize(
          expected.quantType(), expected.blocksize(), x, 0, x.length, refPacked, 0, refAbsmax, 0);
      assertArrayEquals(q.packed(), refPacked, name + ": reference packed");
      // every serialized tensor, byte for byte, and the JSON text
      Map<String, TensorBytes> mine = q.state().toTensors("w.weight");
      for (Map.Entry<String, TensorBytes> e : mine.entrySet()) {
        assertEquals(g.tensorBytes(e.getKey()), e.getValue(), name + ": " + e.getKey());
      }
      assertEquals(json, q.state().json(), name + ": json");
      assertEquals(expected, q.state(), name + ": state");
      // dequantization (float32) equals the reference's, from our state and from the file's
      float[] deq = g.readFloats("deq");
      assertArrayEquals(deq, Quant4bit.dequantize(q.state(), q.packed()), name + ": dequant");
      assertArrayEquals(deq, Quant4bit.dequantize(expected, g.readBytes("w.weight")), name);
      float[] refDeq = new float[x.length];
      Blockwise4bitReference.dequantize(
          expected.quantType(),
          expected.blocksize(),
          q.packed(),
          0,
          expected.effectiveAbsmax(),
          0,
          refDeq,
          0,
          x.length);
      assertArrayEquals(deq, refDeq, name + ": reference dequant");
    }
  }

  static TensorBytes bytesOrNull(SafetensorsFile f, String k) {
    return f.contains(k) ? f.tensorBytes(k) : null;
  }

  @ParameterizedTest
  @MethodSource("q8cases")
  void blockwise8bitMatchesReference(String map) throws Exception {
    float[] code = map.equals("signed") ? DynamicMap.signed() : DynamicMap.unsigned();
    try (SafetensorsFile g = SafetensorsFile.open(golden().resolve("q8_" + map + ".safetensors"))) {
      float[] x = g.readFloats("x");
      byte[] q = new byte[x.length];
      float[] absmax = new float[(x.length + 255) / 256];
      Blockwise8bit.quantize(Blockwise8bit.midpointsOf(code), 256, x, 0, x.length, q, 0, absmax, 0);
      assertArrayEquals(g.readBytes("q"), q);
      assertArrayEquals(g.readFloats("absmax"), absmax);
      float[] deq = new float[x.length];
      Blockwise8bit.dequantize(code, 256, q, 0, absmax, 0, deq, 0, x.length);
      assertArrayEquals(g.readFloats("deq"), deq);
    }
  }

  static Stream<String> q8cases() {
    return Stream.of("signed", "unsigned");
  }
}
