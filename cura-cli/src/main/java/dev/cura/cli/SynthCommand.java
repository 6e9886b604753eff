package dev.cura.cli;

import dev.cura.cli.quant.Progress;
import dev.cura.core.synth.LlamaShape;
import dev.cura.core.synth.SyntheticCheckpoint;
import dev.cura.core.util.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./cura synth --params 10B --out DIR}: a random Llama-shaped bf16 checkpoint (weights ~
 * N(0, 0.02²)), written streaming, deterministic from {@code --seed}.
 */
@Command(
    name = "synth",
    mixinStandardHelpOptions = true,
    description = "Writes a random Llama-shaped bf16 checkpoint of a given size (for benchmarks).")
public final class SynthCommand implements Callable<Integer> {
  @Option(names = "--params", required = true, description = "size, e.g. 1B, 10B, 500M")
  String params;

  @Option(names = "--out", required = true, description = "output directory (must not exist)")
  Path out;

  @Option(names = "--seed", defaultValue = "0", description = "RNG seed (default 0)")
  long seed;

  @Option(names = "--quiet", description = "no progress output")
  boolean quiet;

  @Override
  public Integer call() {
    LlamaShape shape;
    try {
      shape = LlamaShape.forParams(LlamaShape.parseParams(params));
    } catch (IllegalArgumentException e) {
      System.err.println("cura synth: " + e.getMessage());
      return 2;
    }
    if (Files.exists(out)) {
      System.err.println("cura synth: " + out + " already exists; choose a new directory");
      return 2;
    }
    long bytes = 2 * shape.params();
    if (!quiet) {
      System.err.printf(
          "synth: %,d params (hidden %d, %d layers, %d/%d heads, intermediate %d, vocab %d),"
              + " %.2f GB bf16%n",
          shape.params(),
          shape.hidden(),
          shape.layers(),
          shape.heads(),
          shape.kvHeads(),
          shape.intermediate(),
          shape.vocab(),
          bytes / 1e9);
    }
    try (Progress p = new Progress("synth", quiet)) {
      p.start(bytes);
      SyntheticCheckpoint.write(shape, seed, out, p::update);
    } catch (IOException e) {
      System.err.println("cura synth: failed: " + e.getMessage());
      FileTrees.deleteQuietly(out);
      return 1;
    }
    if (!quiet) {
      System.out.println(out.toAbsolutePath());
    }
    return 0;
  }
}
