package dev.cura.core.synth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.core.hf.CheckpointDir;
import dev.cura.core.safetensors.SafetensorsFile;
import dev.cura.core.safetensors.TensorInfo;
import dev.cura.core.tensor.DType;
import dev.cura.core.util.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * CURA's own corpus of malformed checkpoints: a small valid Llama checkpoint (2 layers, with
 * tokenizer and generation files) and named ways of breaking it — config.json, the safetensors
 * header and data, tensor shapes against the config, NaN/Inf weights, the shard index, tokenizer
 * files. Each case says which file a refusal must name and a fragment of what it must say; the
 * quantizer (library, {@code ./cura quantize}, service) is tested against every one.
 */
public final class MalformedCheckpoints {
  /** 2 layers, hidden 256 (2 heads of 128, 1 KV head), MLP 512, vocab 300. */
  public static final LlamaShape SHAPE = new LlamaShape(256, 2, 2, 1, 512, 300);

  /**
   * One way of breaking a checkpoint.
   *
   * @param name what is broken
   * @param file the file the refusal must name
   * @param says a fragment the refusal must contain
   * @param breaker breaks a valid checkpoint directory in place
   */
  public record Case(String name, String file, String says, Breaker breaker) {
    /** Writes the valid checkpoint into {@code dir} and breaks it this case's way. */
    public Path writeInto(Path dir) throws IOException {
      writeValid(dir);
      breaker.apply(dir);
      return dir;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** Breaks the checkpoint in {@code dir}. */
  @FunctionalInterface
  public interface Breaker {
    void apply(Path dir) throws IOException;
  }

  private static final String W = CheckpointDir.SINGLE;
  private static final String C = CheckpointDir.CONFIG;
  private static final String Q = "model.layers.0.self_attn.q_proj.weight";

  private MalformedCheckpoints() {}

  /** Writes the valid checkpoint every case starts from. */
  public static void writeValid(Path dir) throws IOException {
    SyntheticCheckpoint.write(SHAPE, 42, dir, b -> {});
    Files.writeString(
        dir.resolve("tokenizer.json"),
        "{\"version\":\"1.0\",\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0},\"merges\":[]}}");
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\":\"</s>\"}");
    Files.writeString(dir.resolve("special_tokens_map.json"), "{\"eos_token\":\"</s>\"}");
    Files.writeString(dir.resolve("generation_config.json"), "{\"do_sample\":false}");
  }

  /** Every case. */
  public static List<Case> all() {
    var c = new ArrayList<Case>();
    // config.json
    c.add(new Case("config missing", C, "config.json is missing", d -> Files.delete(d.resolve(C))));
    c.add(
        new Case(
            "config not JSON", C, "not valid JSON", d -> write(d, C, "{\"hidden_size\": 256,")));
    c.add(new Case("config empty", C, "JSON object", d -> write(d, C, "")));
    c.add(new Case("config an array", C, "expected a JSON object", d -> write(d, C, "[1, 2]")));
    c.add(
        new Case(
            "config with a duplicate key",
            C,
            "Duplicate field",
            d -> write(d, C, "{\"hidden_size\":256,\"hidden_size\":512}")));
    c.add(
        new Case(
            "config without hidden_size",
            C,
            "hidden_size",
            d -> config(d, n -> n.remove("hidden_size"))));
    c.add(
        new Case(
            "config hidden_size a string",
            C,
            "hidden_size",
            d -> config(d, n -> n.put("hidden_size", "256"))));
    c.add(
        new Case(
            "config hidden_size 0",
            C,
            "hidden_size",
            d -> config(d, n -> n.put("hidden_size", 0))));
    c.add(
        new Case(
            "config hidden_size negative",
            C,
            "hidden_size",
            d -> config(d, n -> n.put("hidden_size", -256))));
    c.add(
        new Case(
            "config vocab_size huge",
            C,
            "vocab_size",
            d -> config(d, n -> n.put("vocab_size", 1L << 40))));
    c.add(
        new Case(
            "fewer layers in config than tensors",
            W,
            "num_hidden_layers 1",
            d -> config(d, n -> n.put("num_hidden_layers", 1))));
    c.add(
        new Case(
            "more layers in config than tensors",
            W,
            "no tensors of layer 2",
            d -> config(d, n -> n.put("num_hidden_layers", 3))));
    c.add(
        new Case(
            "vocab_size does not match the embeddings",
            W,
            "embed_tokens",
            d -> config(d, n -> n.put("vocab_size", 301))));
    c.add(
        new Case(
            "heads do not match q_proj",
            W,
            "q_proj",
            d -> config(d, n -> n.put("num_attention_heads", 4).put("head_dim", 128))));
    c.add(
        new Case(
            "kv heads do not match k_proj",
            W,
            "k_proj",
            d -> config(d, n -> n.put("num_key_value_heads", 2))));
    c.add(
        new Case(
            "intermediate_size does not match the MLP",
            W,
            "gate_proj",
            d -> config(d, n -> n.put("intermediate_size", 1024))));
    c.add(
        new Case(
            "already quantized",
            C,
            "already quantized",
            d -> config(d, n -> n.putObject("quantization_config").put("load_in_4bit", true))));
    // the weights file
    c.add(
        new Case(
            "no weights",
            "model.safetensors",
            "neither model.safetensors",
            d -> Files.delete(d.resolve(W))));
    c.add(new Case("weights empty", W, "", d -> write(d, W, "")));
    c.add(new Case("weights 4 bytes", W, "", d -> write(d, W, "abcd")));
    c.add(new Case("header length past the end", W, "header", d -> headerLength(d, 50_000_000L)));
    c.add(new Case("header length huge", W, "header", d -> headerLength(d, 1L << 40)));
    c.add(new Case("header not JSON", W, "not valid JSON", d -> rawHeader(d, "{\"a\": [1,")));
    c.add(new Case("header an array", W, "JSON object", d -> rawHeader(d, "[1,2,3]")));
    c.add(
        new Case(
            "unknown dtype", W, "F128", d -> header(d, n -> tensor(n, Q).put("dtype", "F128"))));
    c.add(
        new Case(
            "shape does not match the byte range",
            W,
            "needs",
            d -> header(d, n -> shape(tensor(n, Q), 256, 257))));
    c.add(
        new Case(
            "negative shape",
            W,
            "non-negative",
            d -> header(d, n -> shape(tensor(n, Q), -256, -256))));
    c.add(
        new Case(
            "unknown tensor field",
            W,
            "unknown field",
            d -> header(d, n -> tensor(n, Q).put("offset", 0))));
    c.add(
        new Case(
            "overlapping tensors",
            W,
            "overlaps",
            d ->
                header(
                    d,
                    n -> {
                      var other = tensor(n, "model.layers.0.self_attn.k_proj.weight");
                      other.set("data_offsets", tensor(n, Q).get("data_offsets").deepCopy());
                      other.set("shape", tensor(n, Q).get("shape").deepCopy());
                    })));
    c.add(new Case("data truncated", W, "truncated", d -> truncate(d, W, 1000)));
    c.add(
        new Case(
            "k_proj transposed",
            W,
            "has shape [256, 128]",
            d ->
                header(
                    d, n -> shape(tensor(n, "model.layers.0.self_attn.k_proj.weight"), 256, 128))));
    c.add(
        new Case(
            "o_proj missing",
            W,
            "no self_attn.o_proj.weight",
            d -> header(d, n -> n.remove("model.layers.0.self_attn.o_proj.weight"))));
    c.add(
        new Case(
            "tensor of a layer that does not exist",
            W,
            "belongs to layer 7",
            d ->
                header(
                    d,
                    n ->
                        n.set(
                            "model.layers.7.input_layernorm.weight",
                            n.remove("model.layers.1.input_layernorm.weight")))));
    c.add(
        new Case(
            "linear stored as integers",
            W,
            "I16",
            d -> header(d, n -> tensor(n, Q).put("dtype", "I16"))));
    c.add(new Case("NaN in a quantized linear", W, "NaN", d -> poke(d, Q, 1234, Float.NaN)));
    c.add(
        new Case(
            "+Inf in a quantized linear",
            W,
            "Infinity",
            d -> poke(d, "model.layers.1.mlp.down_proj.weight", 77, Float.POSITIVE_INFINITY)));
    c.add(
        new Case(
            "NaN in the embeddings",
            W,
            "NaN",
            d -> poke(d, "model.embed_tokens.weight", 5000, Float.NaN)));
    c.add(
        new Case(
            "-Inf in a norm",
            W,
            "Infinity",
            d ->
                poke(
                    d,
                    "model.layers.1.post_attention_layernorm.weight",
                    3,
                    Float.NEGATIVE_INFINITY)));
    c.add(
        new Case(
            "NaN in lm_head",
            W,
            "lm_head",
            d -> poke(d, "lm_head.weight", 299 * 256 + 255, Float.NaN)));
    // the shard index
    String idx = CheckpointDir.INDEX;
    c.add(
        new Case(
            "index not JSON",
            idx,
            "not valid JSON",
            d -> {
              sharded(d);
              write(d, idx, "{\"weight_map\": {");
            }));
    c.add(
        new Case(
            "index without weight_map",
            idx,
            "weight_map",
            d -> {
              sharded(d);
              write(d, idx, "{\"metadata\": {}}");
            }));
    c.add(
        new Case(
            "index names a missing shard",
            idx,
            "model-00002-of-00002.safetensors",
            d -> {
              sharded(d);
              index(d, n -> n.put(Q, "model-00002-of-00002.safetensors"));
            }));
    c.add(
        new Case(
            "index leads out of the directory",
            idx,
            "plain file name",
            d -> {
              sharded(d);
              index(d, n -> n.put(Q, "../outside.safetensors"));
            }));
    c.add(
        new Case(
            "index names a tensor the shard lacks",
            idx,
            "lacks",
            d -> {
              sharded(d);
              index(
                  d,
                  n ->
                      n.put(
                          "model.layers.9.mlp.up_proj.weight", "model-00001-of-00001.safetensors"));
            }));
    // tokenizer and generation files
    c.add(
        new Case(
            "tokenizer.json not JSON",
            "tokenizer.json",
            "not valid JSON",
            d -> write(d, "tokenizer.json", "{\"model\": {\"type\": \"BPE\", ")));
    c.add(
        new Case(
            "tokenizer_config.json not JSON",
            "tokenizer_config.json",
            "not valid JSON",
            d -> write(d, "tokenizer_config.json", "{'eos_token': '</s>'}")));
    c.add(
        new Case(
            "special_tokens_map.json empty",
            "special_tokens_map.json",
            "not valid JSON",
            d -> write(d, "special_tokens_map.json", "")));
    c.add(
        new Case(
            "generation_config.json truncated",
            "generation_config.json",
            "not valid JSON",
            d -> write(d, "generation_config.json", "{\"do_sample\": fal")));
    return List.copyOf(c);
  }

  // ---- helpers -----------------------------------------------------------------------------

  private static void write(Path d, String file, String text) throws IOException {
    Files.writeString(d.resolve(file), text);
  }

  private static void config(Path d, Consumer<ObjectNode> edit) throws IOException {
    ObjectNode n = (ObjectNode) Json.MAPPER.readTree(d.resolve(C).toFile());
    edit.accept(n);
    write(d, C, Json.MAPPER.writeValueAsString(n));
  }

  private static ObjectNode tensor(ObjectNode header, String name) {
    return (ObjectNode) header.get(name);
  }

  private static ObjectNode shape(ObjectNode tensor, long... dims) {
    var a = tensor.putArray("shape");
    Arrays.stream(dims).forEach(a::add);
    return tensor;
  }

  /** Rewrites the safetensors header (the data section stays). */
  private static void header(Path d, Consumer<ObjectNode> edit) throws IOException {
    byte[] file = Files.readAllBytes(d.resolve(W));
    long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    ObjectNode h = (ObjectNode) Json.MAPPER.readTree(Arrays.copyOfRange(file, 8, 8 + (int) n));
    edit.accept(h);
    writeWithHeader(
        d, Json.MAPPER.writeValueAsString(h), Arrays.copyOfRange(file, 8 + (int) n, file.length));
  }

  private static void rawHeader(Path d, String json) throws IOException {
    byte[] file = Files.readAllBytes(d.resolve(W));
    long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    writeWithHeader(d, json, Arrays.copyOfRange(file, 8 + (int) n, file.length));
  }

  private static void writeWithHeader(Path d, String json, byte[] data) throws IOException {
    byte[] h = json.getBytes(StandardCharsets.UTF_8);
    int padded = (h.length + 7) & ~7;
    ByteBuffer out = ByteBuffer.allocate(8 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(padded).put(h);
    for (int i = h.length; i < padded; i++) {
      out.put((byte) ' ');
    }
    out.put(data);
    Files.write(d.resolve(W), out.array());
  }

  private static void headerLength(Path d, long length) throws IOException {
    try (FileChannel ch = FileChannel.open(d.resolve(W), StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length), 0);
    }
  }

  private static void truncate(Path d, String file, long bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(d.resolve(file), StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - bytes);
    }
  }

  /** Writes {@code value} as element {@code index} of a BF16 tensor. */
  private static void poke(Path d, String tensor, long index, float value) throws IOException {
    long at;
    try (var f = SafetensorsFile.open(d.resolve(W))) {
      TensorInfo t = f.info(tensor);
      if (t.dtype() != DType.BF16 || index >= t.numel()) {
        throw new IllegalStateException(tensor + " is no BF16 tensor with element " + index);
      }
      at = f.fileOffset(t) + 2 * index;
    }
    try (FileChannel ch = FileChannel.open(d.resolve(W), StandardOpenOption.WRITE)) {
      short bits = (short) (Float.floatToRawIntBits(value) >>> 16);
      ch.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(0, bits), at);
    }
  }

  /** Turns the single weights file into one indexed shard. */
  private static void sharded(Path d) throws IOException {
    String shard = "model-00001-of-00001.safetensors";
    Files.move(d.resolve(W), d.resolve(shard));
    ObjectNode idx = Json.MAPPER.createObjectNode();
    idx.putObject("metadata");
    ObjectNode wm = idx.putObject("weight_map");
    try (var f = SafetensorsFile.open(d.resolve(shard))) {
      f.tensors().keySet().forEach(t -> wm.put(t, shard));
    }
    write(d, CheckpointDir.INDEX, Json.MAPPER.writeValueAsString(idx));
  }

  private static void index(Path d, Consumer<ObjectNode> editWeightMap) throws IOException {
    ObjectNode n = (ObjectNode) Json.MAPPER.readTree(d.resolve(CheckpointDir.INDEX).toFile());
    editWeightMap.accept((ObjectNode) n.get("weight_map"));
    write(d, CheckpointDir.INDEX, Json.MAPPER.writeValueAsString(n));
  }
}
