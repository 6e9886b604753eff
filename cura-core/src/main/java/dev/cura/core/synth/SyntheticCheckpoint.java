package dev.cura.core.synth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.core.hf.CheckpointDir;
import dev.cura.core.safetensors.SafetensorsWriter;
import dev.cura.core.safetensors.TensorSpec;
import dev.cura.core.tensor.DType;
import dev.cura.core.tensor.FloatConvert;
import dev.cura.core.util.Json;
import dev.cura.core.util.Slices;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * Writes a random Llama-shaped bf16 Hugging Face checkpoint ({@link LlamaShape}): weights ~ N(0,
 * 0.02²), norms 1.0, streamed chunk by chunk (memory independent of size), sharded above 5 GB with
 * an index, deterministic from the seed.
 *
 * <p>Normal samples come from a 65,536-entry table of bf16 quantiles {@code 0.02 · Φ⁻¹((i + ½) /
 * 65536)} indexed by 16 random bits — exact in distribution at bf16 resolution and fast enough to
 * write 10B parameters in minutes; each chunk has its own {@link SplittableRandom} derived from
 * (seed, tensor, chunk), so output does not depend on thread scheduling.
 */
public final class SyntheticCheckpoint {
  static final int CHUNK = 1 << 22; // elements
  static final long SHARD_BYTES = 5_000_000_000L;
  private static final short[] NORMAL_BF16 = normalTable(0.02);

  private SyntheticCheckpoint() {}

  /** The tensor specs in write order. */
  public static List<TensorSpec> specs(LlamaShape s) {
    List<TensorSpec> out = new ArrayList<>();
    long h = s.hidden();
    long kv = (long) s.kvHeads() * LlamaShape.HEAD_DIM;
    out.add(new TensorSpec("model.embed_tokens.weight", DType.BF16, new long[] {s.vocab(), h}));
    for (int l = 0; l < s.layers(); l++) {
      String p = "model.layers." + l + ".";
      out.add(new TensorSpec(p + "input_layernorm.weight", DType.BF16, new long[] {h}));
      out.add(new TensorSpec(p + "self_attn.q_proj.weight", DType.BF16, new long[] {h, h}));
      out.add(new TensorSpec(p + "self_attn.k_proj.weight", DType.BF16, new long[] {kv, h}));
      out.add(new TensorSpec(p + "self_attn.v_proj.weight", DType.BF16, new long[] {kv, h}));
      out.add(new TensorSpec(p + "self_attn.o_proj.weight", DType.BF16, new long[] {h, h}));
      out.add(new TensorSpec(p + "post_attention_layernorm.weight", DType.BF16, new long[] {h}));
      out.add(
          new TensorSpec(p + "mlp.gate_proj.weight", DType.BF16, new long[] {s.intermediate(), h}));
      out.add(
          new TensorSpec(p + "mlp.up_proj.weight", DType.BF16, new long[] {s.intermediate(), h}));
      out.add(
          new TensorSpec(p + "mlp.down_proj.weight", DType.BF16, new long[] {h, s.intermediate()}));
    }
    out.add(new TensorSpec("model.norm.weight", DType.BF16, new long[] {h}));
    out.add(new TensorSpec("lm_head.weight", DType.BF16, new long[] {s.vocab(), h}));
    return out;
  }

  /**
   * Writes the checkpoint into {@code out} (created; must be empty).
   *
   * @param progress receives cumulative bytes written
   */
  public static void write(LlamaShape shape, long seed, Path out, LongConsumer progress)
      throws IOException {
    write(specs(shape), config(shape), 1f, seed, out, progress);
  }

  /**
   * Writes bf16 tensors {@code all} (weights and biases random, {@code *norm.weight} filled with
   * {@code normValue}: 1 for x·w norms, 0 for Gemma's x·(1 + w)) and {@code config} as config.json
   * into {@code out}.
   */
  public static void write(
      List<TensorSpec> all,
      ObjectNode config,
      float normValue,
      long seed,
      Path out,
      LongConsumer progress)
      throws IOException {
    Files.createDirectories(out);
    List<List<TensorSpec>> shards = new ArrayList<>();
    List<TensorSpec> cur = new ArrayList<>();
    long size = 0;
    for (TensorSpec t : all) {
      if (!cur.isEmpty() && size + t.byteSize() > SHARD_BYTES) {
        shards.add(cur);
        cur = new ArrayList<>();
        size = 0;
      }
      cur.add(t);
      size += t.byteSize();
    }
    shards.add(cur);
    Map<String, String> weightMap = new TreeMap<>();
    long total = 0;
    long done = 0;
    int tensorIndex = 0;
    try (Arena arena = Arena.ofShared()) {
      MemorySegment buf = arena.allocate(CHUNK * 2L, 64);
      float[] ones = new float[CHUNK];
      java.util.Arrays.fill(ones, normValue);
      for (int s = 0; s < shards.size(); s++) {
        String name =
            shards.size() == 1
                ? CheckpointDir.SINGLE
                : String.format("model-%05d-of-%05d.safetensors", s + 1, shards.size());
        try (SafetensorsWriter w =
            SafetensorsWriter.create(out.resolve(name), shards.get(s), Map.of("format", "pt"))) {
          for (TensorSpec t : shards.get(s)) {
            boolean norm = t.name().endsWith("norm.weight");
            long n = t.numel();
            long chunkIndex = 0;
            for (long off = 0; off < n; off += CHUNK, chunkIndex++) {
              int len = (int) Math.min(CHUNK, n - off);
              if (norm) {
                FloatConvert.fromFloats(DType.BF16, ones, 0, buf, 0, len);
              } else {
                fillNormal(buf, len, seed, tensorIndex, chunkIndex);
              }
              w.append(t.name(), buf.asSlice(0, 2L * len));
              done += 2L * len;
              progress.accept(done);
            }
            weightMap.put(t.name(), name);
            total += t.byteSize();
            tensorIndex++;
          }
        }
      }
    }
    if (shards.size() > 1) {
      ObjectNode idx = Json.MAPPER.createObjectNode();
      idx.putObject("metadata").put("total_size", total);
      ObjectNode wm = idx.putObject("weight_map");
      weightMap.forEach(wm::put);
      Files.writeString(
          out.resolve(CheckpointDir.INDEX),
          Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(idx) + "\n");
    }
    Files.writeString(
        out.resolve(CheckpointDir.CONFIG),
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(config) + "\n");
  }

  /** A transformers LlamaConfig for the shape. */
  public static ObjectNode config(LlamaShape s) {
    ObjectNode c = Json.MAPPER.createObjectNode();
    c.putArray("architectures").add("LlamaForCausalLM");
    c.put("model_type", "llama");
    c.put("hidden_size", s.hidden());
    c.put("intermediate_size", s.intermediate());
    c.put("num_hidden_layers", s.layers());
    c.put("num_attention_heads", s.heads());
    c.put("num_key_value_heads", s.kvHeads());
    c.put("head_dim", LlamaShape.HEAD_DIM);
    c.put("vocab_size", s.vocab());
    c.put("max_position_embeddings", 4096);
    c.put("rms_norm_eps", 1e-5);
    c.put("rope_theta", 10000.0);
    c.put("hidden_act", "silu");
    c.put("tie_word_embeddings", false);
    c.put("torch_dtype", "bfloat16");
    c.put("bos_token_id", 1);
    c.put("eos_token_id", 2);
    c.put("initializer_range", 0.02);
    return c;
  }

  /** Fills {@code len} bf16 values ~ N(0, 0.02²), in parallel slices with derived seeds. */
  static void fillNormal(MemorySegment buf, int len, long seed, int tensor, long chunk) {
    Slices.parallel(
        len,
        16,
        4, // four values per random long
        (i, from, to) -> {
          SplittableRandom r =
              new SplittableRandom(
                  seed * 0x9E3779B97F4A7C15L + tensor * 0x632BE59BD9B4E019L + chunk * 131 + i);
          for (int j = from; j < to; j += 4) {
            long bits = r.nextLong();
            for (int k = 0; k < 4 && j + k < to; k++) {
              buf.set(
                  FloatConvert.I16_LE,
                  2L * (j + k),
                  NORMAL_BF16[(int) ((bits >>> (16 * k)) & 0xFFFF)]);
            }
          }
        });
  }

  private static short[] normalTable(double sigma) {
    short[] t = new short[65536];
    for (int i = 0; i < t.length; i++) {
      t[i] = DType.f32ToBf16((float) (sigma * inverseNormal((i + 0.5) / 65536)));
    }
    return t;
  }

  /** Φ⁻¹(p), Acklam's rational approximation (relative error < 1.2e-9). */
  static double inverseNormal(double p) {
    double[] a = {
      -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00
    };
    double[] b = {
      -5.447609879822406e+01,
      1.615858368580409e+02,
      -1.556989798598866e+02,
      6.680131188771972e+01,
      -1.328068155288572e+01
    };
    double[] c = {
      -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00
    };
    double[] d = {
      7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00
    };
    double plow = 0.02425;
    if (p < plow) {
      double q = Math.sqrt(-2 * Math.log(p));
      return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - plow) {
      double q = Math.sqrt(-2 * Math.log(1 - p));
      return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    double q = p - 0.5;
    double r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5])
        * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
}
