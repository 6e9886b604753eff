package dev.cura.engine.train;

import dev.cura.engine.model.LlamaConfig;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The least memory one QLoRA training step needs, from the model's shapes and the job's settings
 * alone — before anything is loaded — so a worker can refuse a job that cannot fit it (a batch of
 * 1024 sequences of 131072 tokens would otherwise be taken, and the trainer killed by the
 * out-of-memory killer, again and again). It counts only what a step cannot do without, with
 * dimension letters B (batch), T (sequence), C (hidden), I (intermediate), V (vocabulary), H (query
 * heads), L (layers):
 *
 * <ul>
 *   <li>base weights: the decoder linears at 4.127 bits/param (NF4 + double quantization,
 *       QLORA-SPEC §3.3) or 32 bits (dense), embeddings, lm_head and norms at the compute width;
 *   <li>LoRA: A and B of every targeted linear, their gradients and two optimizer moments (4 bytes
 *       each for 32-bit AdamW, 1 for 8-bit);
 *   <li>saved activations: per-layer gradient checkpointing keeps each layer's input [B, T, C];
 *   <li>one layer's recomputation: the attention scores [B, H, T, T] and the MLP's [B, T, I];
 *   <li>the logits [B, T, V].
 * </ul>
 *
 * Each term is a floor (real steps hold gradients and temporaries on top), so a job refused by it
 * cannot fit, while one that passes may still need more; the trainer's attempt limit covers those.
 *
 * @param bytes the total
 * @param parts the terms by name, in bytes, for the message of a refusal
 */
public record MemoryEstimate(long bytes, Map<String, Long> parts) {
  /** NF4 + double quantization, blocksize 64 (QLORA-SPEC §3.3). */
  private static final double NF4_BITS_PER_PARAM = 4.127;

  /** A job's settings that decide its memory. */
  public record Settings(
      int batchSize,
      int seqLen,
      int loraRank,
      int targetedLinearsPerLayer,
      boolean quantizedBase,
      boolean eightBitOptimizer,
      int computeBytes) {}

  /** The estimate for {@code c} trained with {@code s}. */
  public static MemoryEstimate of(LlamaConfig c, Settings s) {
    long b = s.batchSize();
    long t = s.seqLen();
    long h = c.hidden();
    long inter = c.intermediate();
    long q = (long) c.heads() * c.headDim();
    long kv = (long) c.kvHeads() * c.headDim();
    long w = s.computeBytes();
    // the seven decoder linears of one layer: q, k, v, o, gate, up, down
    long linearParams = h * q + 2 * h * kv + q * h + 3 * h * inter;
    long others = (c.tieWordEmbeddings() ? 1L : 2L) * c.vocabSize() * h + (2L * c.layers() + 1) * h;
    double baseBits = s.quantizedBase() ? NF4_BITS_PER_PARAM : 32;
    var parts = new LinkedHashMap<String, Long>();
    parts.put(
        "base weights",
        sat((long) Math.ceil(linearParams * (double) c.layers() * baseBits / 8)) + others * w);
    // LoRA on a linear [out, in]: A [r, in] + B [out, r]; average linear of the layer as the size
    long loraPerLinear = (long) s.loraRank() * (2 * h + (q + kv + inter) / 3);
    long loraParams = sat(loraPerLinear * s.targetedLinearsPerLayer() * c.layers());
    parts.put(
        "LoRA weights, gradients and optimizer state",
        sat(loraParams * (2 * 4L + 2L * (s.eightBitOptimizer() ? 1 : 4))));
    parts.put("saved layer inputs [L, B, T, C]", mul(c.layers(), b, t, h, w));
    parts.put("attention scores [B, H, T, T]", mul(b, c.heads(), t, t, w));
    parts.put("MLP activations [B, T, I]", mul(b, t, inter, w));
    parts.put("logits [B, T, V]", mul(b, t, c.vocabSize(), w));
    long total = 0;
    for (long v : parts.values()) {
      total = sat(total + v);
    }
    return new MemoryEstimate(total, Map.copyOf(parts));
  }

  /** The largest terms, e.g. {@code "attention scores [B, H, T, T] 64.0 TiB, logits ..."}. */
  public String describe() {
    var sb = new StringBuilder();
    parts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(3)
        .forEach(
            e -> {
              if (!sb.isEmpty()) {
                sb.append(", ");
              }
              sb.append(e.getKey()).append(' ').append(human(e.getValue()));
            });
    return sb.toString();
  }

  /** Bytes in binary units with one decimal, e.g. {@code 7.3 GiB}. */
  public static String human(long bytes) {
    if (bytes == Long.MAX_VALUE) {
      return "more than 8 EiB";
    }
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** Product without overflow: saturates at Long.MAX_VALUE. */
  private static long mul(long... factors) {
    long p = 1;
    for (long f : factors) {
      if (f != 0 && p > Long.MAX_VALUE / f) {
        return Long.MAX_VALUE;
      }
      p *= f;
    }
    return p;
  }

  private static long sat(long v) {
    return v < 0 ? Long.MAX_VALUE : v;
  }
}
