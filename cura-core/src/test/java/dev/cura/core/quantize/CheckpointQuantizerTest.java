package dev.cura.core.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.core.hf.CheckpointDir;
import dev.cura.core.quant.Quant4bit;
import dev.cura.core.quant.QuantState;
import dev.cura.core.quant.QuantType;
import dev.cura.core.safetensors.SafetensorsWriter;
import dev.cura.core.safetensors.TensorSpec;
import dev.cura.core.synth.LlamaShape;
import dev.cura.core.synth.SyntheticCheckpoint;
import dev.cura.core.tensor.DType;
import dev.cura.core.util.FormatException;
import dev.cura.core.util.Json;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointQuantizerTest {
  @TempDir static Path tmp;
  static Path src;

  /** 1 layer; the MLP weights have 256·16640 = 4.26 M elements: more than one 4 Mi chunk. */
  @BeforeAll
  static void synth() throws Exception {
    src = tmp.resolve("src");
    SyntheticCheckpoint.write(new LlamaShape(256, 2, 2, 1, 16640, 1000), 5, src, b -> {});
    Files.writeString(src.resolve("tokenizer.json"), "{\"model\":{}}");
  }

  @Test
  void quantizesLinearsBitExactlyAndCopiesTheRest() throws Exception {
    Path out = tmp.resolve("q1");
    AtomicLong progress = new AtomicLong();
    QuantizeReport r =
        CheckpointQuantizer.quantize(
            src,
            out,
            QuantizeSettings.defaults().withMaxShardBytes(8 << 20),
            new QuantizeListener() {
              @Override
              public void progress(long done, String tensor) {
                progress.set(done);
              }
            });
    assertEquals(14, r.quantizedTensors());
    assertTrue(r.shards() > 1, "expected sharded output, got " + r.shards());
    try (CheckpointDir in = CheckpointDir.open(src);
        CheckpointDir q = CheckpointDir.open(out)) {
      assertEquals(in.tensorBytes(), progress.get());
      assertEquals(in.tensorBytes(), r.bytesRead());
      long params = 0;
      for (String name : in.tensorNames()) {
        params += in.info(name).numel();
        if (LinearSelector.isQuantizedLinear(name)) {
          QuantState s = QuantState.fromTensors(name, q::tensorBytesOrNull);
          assertEquals(QuantType.NF4, s.quantType());
          assertTrue(s.nested());
          assertArrayEquals(in.info(name).shape(), s.shape());
          // same bits as quantizing the whole tensor in memory
          float[] w = in.readFloats(name);
          Quant4bit.Quantized ref =
              Quant4bit.quantize(w, in.info(name).shape(), DType.BF16, QuantType.NF4, 64, true);
          assertArrayEquals(ref.packed(), q.fileOf(name).readBytes(name), name);
          assertEquals(ref.state(), s, name);
          assertArrayEquals(s.packedShape(), q.info(name).shape());
        } else {
          assertArrayEquals(
              in.fileOf(name).data(name).toArray(ValueLayout.JAVA_BYTE),
              q.fileOf(name).data(name).toArray(ValueLayout.JAVA_BYTE),
              name);
        }
      }
      assertEquals(params, r.totalParams());
      JsonNode qc = q.config().get("quantization_config");
      assertEquals("bitsandbytes", qc.get("quant_method").asText());
      assertEquals("nf4", qc.get("bnb_4bit_quant_type").asText());
      assertTrue(qc.get("bnb_4bit_use_double_quant").asBoolean());
      assertTrue(qc.get("load_in_4bit").asBoolean());
      assertEquals("bfloat16", qc.get("bnb_4bit_compute_dtype").asText());
      assertEquals("uint8", qc.get("bnb_4bit_quant_storage").asText());
      assertEquals(256, q.config().get("hidden_size").asInt());
      assertTrue(Files.exists(out.resolve("tokenizer.json")));
      assertTrue(q.isSharded());
    }
    // QLORA-SPEC §3.3: 4.127 bits/param for NF4 + DQ at B = 64 (k/v: 512 blocks → +2 nested)
    assertEquals(4.127, r.bitsPerParam(), 0.001);
    // §10.1 nf4 B=64 mean err bound for randn is 0.0733 at σ = 1; weights here have σ = 0.02
    assertTrue(r.meanAbsError() > 0 && r.meanAbsError() < 0.0733 * 0.02, "" + r.meanAbsError());
    JsonNode rep = Json.MAPPER.readTree(out.resolve("quantization_report.json").toFile());
    assertEquals(r.totalParams(), rep.get("total_params").asLong());
  }

  @Test
  void refusesNonCheckpointsQuantizedInputsAndBadDtypes() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertRefused(empty, "config.json is missing");

    Path q = tmp.resolve("q2");
    CheckpointQuantizer.quantize(
        src, q, QuantizeSettings.defaults().withQuantType(QuantType.FP4), QuantizeListener.NONE);
    assertRefused(q, "already quantized");

    Path bad = Files.createDirectories(tmp.resolve("bad"));
    Files.writeString(bad.resolve("config.json"), "{}");
    String name = "model.layers.0.mlp.up_proj.weight";
    try (SafetensorsWriter w =
        SafetensorsWriter.create(
            bad.resolve("model.safetensors"),
            List.of(new TensorSpec(name, DType.I8, new long[] {4, 4})),
            Map.of())) {
      w.append(name, new byte[16]);
    }
    assertRefused(bad, "expected F32, F16 or BF16");
  }

  /** Quantizing {@code dir} fails with a user error that says {@code why}. */
  private void assertRefused(Path dir, String why) {
    FormatException e =
        assertThrows(
            FormatException.class,
            () ->
                CheckpointQuantizer.quantize(
                    dir,
                    tmp.resolve("out-" + dir.getFileName()),
                    QuantizeSettings.defaults(),
                    QuantizeListener.NONE));
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }
}
