package dev.cura.engine.plan;

import dev.cura.core.synth.LlamaShape;
import dev.cura.engine.model.Arch;
import dev.cura.engine.model.LlamaConfig;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The dimensions of published Llama checkpoints (their config.json), for memory plans of models not
 * on disk: LLaMA-1 (the QLoRA paper's 7B/13B/33B/65B), Llama-2 and Llama-3; {@code synthetic} is
 * the benchmarks' {@link LlamaShape}.
 */
public final class PublishedShapes {
  private PublishedShapes() {}

  // hidden, layers, heads, kv heads, intermediate, vocab
  private static final Map<String, Map<String, int[]>> SHAPES =
      Map.of(
          "llama",
          Map.of(
              "7B", new int[] {4096, 32, 32, 32, 11008, 32000},
              "13B", new int[] {5120, 40, 40, 40, 13824, 32000},
              "33B", new int[] {6656, 60, 52, 52, 17920, 32000},
              "65B", new int[] {8192, 80, 64, 64, 22016, 32000}),
          "llama2",
          Map.of(
              "7B", new int[] {4096, 32, 32, 32, 11008, 32000},
              "13B", new int[] {5120, 40, 40, 40, 13824, 32000},
              "70B", new int[] {8192, 80, 64, 8, 28672, 32000}),
          "llama3",
          Map.of(
              "8B", new int[] {4096, 32, 32, 8, 14336, 128256},
              "70B", new int[] {8192, 80, 64, 8, 28672, 128256}));

  /** The config of {@code arch} at {@code params} (e.g. "8B"). */
  public static LlamaConfig config(String arch, String params) {
    String a = arch.toLowerCase(Locale.ROOT);
    if (a.equals("synthetic")) {
      LlamaShape s = LlamaShape.forParams(LlamaShape.parseParams(params));
      return build(
          new int[] {s.hidden(), s.layers(), s.heads(), s.kvHeads(), s.intermediate(), s.vocab()},
          LlamaShape.HEAD_DIM,
          500000);
    }
    Map<String, int[]> sizes = SHAPES.get(a);
    if (sizes == null) {
      throw new IllegalArgumentException(
          "--arch must be llama, llama2, llama3 or synthetic, got '" + arch + "'");
    }
    int[] d = sizes.get(params.toUpperCase(Locale.ROOT));
    if (d == null) {
      throw new IllegalArgumentException(
          arch
              + " comes in "
              + sizes.keySet().stream().sorted().toList()
              + ", got '"
              + params
              + "' (--arch synthetic plans any size)");
    }
    return build(d, d[0] / d[2], a.equals("llama3") ? 500000 : 10000);
  }

  private static LlamaConfig build(int[] d, int headDim, double theta) {
    return new LlamaConfig(
        "llama",
        d[5],
        d[0],
        d[4],
        d[1],
        d[2],
        d[3],
        headDim,
        1e-5,
        theta,
        false,
        0,
        1,
        List.of(2),
        8192,
        Arch.LLAMA);
  }
}
