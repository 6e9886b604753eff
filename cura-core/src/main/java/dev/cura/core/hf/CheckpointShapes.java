package dev.cura.core.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.core.safetensors.TensorInfo;
import dev.cura.core.util.FormatException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a Llama-family checkpoint's tensors against its {@code config.json} before anything is
 * written from it: the layer count, every decoder layer's linears present, and the shape of every
 * tensor whose role the name gives away — with C = hidden_size, I = intermediate_size, V =
 * vocab_size, H and KV the query and key/value heads, d = head_dim (default C / H):
 *
 * <pre>
 *   embed_tokens, lm_head            [V, C]        q_proj [H·d, C]   k_proj, v_proj [KV·d, C]
 *   o_proj                           [C, H·d]      qkv_proj (fused) [(H + 2·KV)·d, C]
 *   gate_proj, up_proj               [I, C]        down_proj [C, I]  gate_up_proj (fused) [2·I, C]
 *   *norm (layer and final)          [C]           q_norm, k_norm [d]
 *   q/k/v/o_proj biases              their output width
 * </pre>
 *
 * Tensors of other roles (rotary caches, extra buffers) are not checked; the families' own loaders
 * check what they use. Every refusal is a {@link FormatException} naming the file and the tensor or
 * config field.
 */
public final class CheckpointShapes {
  private static final Pattern LAYER = Pattern.compile("(?:.*\\.)?layers\\.(\\d+)\\.(.+)");
  private static final Pattern BASE =
      Pattern.compile("(?:.*\\.)?(embed_tokens\\.weight|lm_head\\.weight|norm\\.weight)");

  /** A decoder layer has attention and MLP projections, plain or fused. */
  private static final List<List<String>> REQUIRED_LINEARS =
      List.of(
          List.of("self_attn.q_proj.weight", "self_attn.qkv_proj.weight"),
          List.of("self_attn.o_proj.weight"),
          List.of("mlp.gate_proj.weight", "mlp.gate_up_proj.weight"),
          List.of("mlp.down_proj.weight"));

  private CheckpointShapes() {}

  /**
   * @throws FormatException naming config.json's field, or the file and tensor that do not fit
   */
  public static void check(CheckpointDir ckpt) throws FormatException {
    String cfgFile = ckpt.dir().resolve(CheckpointDir.CONFIG).toString();
    JsonNode cfg = ckpt.config();
    long c = positive(cfg, "hidden_size", cfgFile);
    long layers = positive(cfg, "num_hidden_layers", cfgFile);
    long heads = positive(cfg, "num_attention_heads", cfgFile);
    long vocab = positive(cfg, "vocab_size", cfgFile);
    long inter = positive(cfg, "intermediate_size", cfgFile);
    long kvHeads =
        cfg.has("num_key_value_heads") ? positive(cfg, "num_key_value_heads", cfgFile) : heads;
    long d =
        cfg.has("head_dim") && !cfg.get("head_dim").isNull()
            ? positive(cfg, "head_dim", cfgFile)
            : c / heads;
    if (d < 1) {
      throw new FormatException(
          cfgFile + ": hidden_size " + c + " / num_attention_heads " + heads + " is no head width");
    }
    Map<String, long[]> byRole =
        Map.ofEntries(
            Map.entry("self_attn.q_proj.weight", new long[] {heads * d, c}),
            Map.entry("self_attn.k_proj.weight", new long[] {kvHeads * d, c}),
            Map.entry("self_attn.v_proj.weight", new long[] {kvHeads * d, c}),
            Map.entry("self_attn.o_proj.weight", new long[] {c, heads * d}),
            Map.entry("self_attn.qkv_proj.weight", new long[] {(heads + 2 * kvHeads) * d, c}),
            Map.entry("self_attn.q_proj.bias", new long[] {heads * d}),
            Map.entry("self_attn.k_proj.bias", new long[] {kvHeads * d}),
            Map.entry("self_attn.v_proj.bias", new long[] {kvHeads * d}),
            Map.entry("self_attn.o_proj.bias", new long[] {c}),
            Map.entry("self_attn.q_norm.weight", new long[] {d}),
            Map.entry("self_attn.k_norm.weight", new long[] {d}),
            Map.entry("mlp.gate_proj.weight", new long[] {inter, c}),
            Map.entry("mlp.up_proj.weight", new long[] {inter, c}),
            Map.entry("mlp.down_proj.weight", new long[] {c, inter}),
            Map.entry("mlp.gate_up_proj.weight", new long[] {2 * inter, c}));
    BitSet seenLayers = new BitSet();
    Map<Long, java.util.Set<String>> roles = new TreeMap<>();
    for (String name : ckpt.tensorNames()) {
      TensorInfo t = ckpt.info(name);
      Matcher layer = LAYER.matcher(name);
      if (layer.matches()) {
        long i = Long.parseLong(layer.group(1));
        if (i >= layers) {
          throw new FormatException(
              where(ckpt, name)
                  + " belongs to layer "
                  + i
                  + ", but config.json says num_hidden_layers "
                  + layers);
        }
        seenLayers.set((int) i);
        String role = layer.group(2);
        roles.computeIfAbsent(i, k -> new java.util.HashSet<>()).add(role);
        long[] expected = byRole.get(role);
        if (expected == null && role.endsWith("norm.weight")) {
          expected = new long[] {c};
        }
        expectShape(ckpt, name, t, expected);
        continue;
      }
      Matcher base = BASE.matcher(name);
      if (base.matches()) {
        expectShape(
            ckpt,
            name,
            t,
            base.group(1).equals("norm.weight") ? new long[] {c} : new long[] {vocab, c});
      }
    }
    Path weights =
        ckpt.dir().resolve(ckpt.isSharded() ? CheckpointDir.INDEX : CheckpointDir.SINGLE);
    for (long i = 0; i < layers; i++) {
      if (!seenLayers.get((int) i)) {
        throw new FormatException(
            weights
                + ": no tensors of layer "
                + i
                + ", but config.json says num_hidden_layers "
                + layers);
      }
      var have = roles.get(i);
      for (List<String> oneOf : REQUIRED_LINEARS) {
        if (oneOf.stream().noneMatch(have::contains)) {
          throw new FormatException(
              weights + ": layer " + i + " has no " + oneOf.get(0) + " tensor");
        }
      }
    }
  }

  private static void expectShape(CheckpointDir ckpt, String name, TensorInfo t, long[] expected)
      throws FormatException {
    if (expected != null && !Arrays.equals(expected, t.shape())) {
      throw new FormatException(
          where(ckpt, name)
              + " has shape "
              + Arrays.toString(t.shape())
              + ", config.json implies "
              + Arrays.toString(expected));
    }
  }

  private static String where(CheckpointDir ckpt, String name) {
    return ckpt.fileOf(name).path() + ": tensor " + name;
  }

  private static long positive(JsonNode cfg, String field, String file) throws FormatException {
    JsonNode v = cfg.get(field);
    if (v == null
        || !v.canConvertToLong()
        || !v.isIntegralNumber()
        || v.asLong() < 1
        || v.asLong() > Integer.MAX_VALUE) {
      throw new FormatException(
          file
              + ": expected "
              + field
              + " to be a positive integer, got "
              + (v == null ? "nothing" : v.toString()));
    }
    return v.asLong();
  }
}
