package dev.cura.cli;

import dev.cura.cli.engine.CliErrors;
import dev.cura.cli.quant.PeakRss;
import dev.cura.cli.quant.Progress;
import dev.cura.cli.quant.ProgressOption;
import dev.cura.core.quant.QuantType;
import dev.cura.core.quantize.CheckpointQuantizer;
import dev.cura.core.quantize.QuantizeListener;
import dev.cura.core.quantize.QuantizeReport;
import dev.cura.core.quantize.QuantizeSettings;
import dev.cura.core.tensor.DType;
import dev.cura.core.util.FileTrees;
import dev.cura.core.util.FormatException;
import dev.cura.core.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./cura quantize SRC OUT}: a Hugging Face checkpoint → a bitsandbytes 4-bit checkpoint (NF4
 * + double quantization by default) plus {@code quantization_report.json}. Writes into a temporary
 * sibling directory and renames it to OUT at the end, so OUT is complete or absent.
 */
@Command(
    name = "quantize",
    description =
        "Quantizes a Hugging Face checkpoint to NF4/FP4 in the bitsandbytes layout"
            + " (transformers can load it).")
public final class QuantizeCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SRC", description = "HF checkpoint directory")
  Path src;

  @Parameters(index = "1", paramLabel = "OUT", description = "output directory (must not exist)")
  Path out;

  @Option(names = "--quant", description = "nf4 (default) or fp4", defaultValue = "nf4")
  String quant;

  @Option(names = "--no-double-quant", description = "keep absmax in float32 (4.5 bits/param)")
  boolean noDoubleQuant;

  @Option(
      names = "--blocksize",
      description = "32..4096, default ${DEFAULT-VALUE}",
      defaultValue = "64")
  int blocksize;

  @Option(
      names = "--compute-dtype",
      description = "bnb_4bit_compute_dtype: bfloat16 (default), float16, float32",
      defaultValue = "bfloat16")
  String computeDtype;

  @Option(
      names = "--max-shard-gb",
      description = "output shard size limit in GB (default ${DEFAULT-VALUE})",
      defaultValue = "5")
  double maxShardGb;

  @Mixin ProgressOption output;

  @Option(names = "--print-peak-rss", hidden = true, description = "print peak RSS (benchmarks)")
  boolean printPeakRss;

  @Override
  public Integer call() {
    QuantizeSettings settings;
    try {
      settings =
          new QuantizeSettings(
              QuantType.parse(quant),
              QuantType.checkBlocksize(blocksize),
              !noDoubleQuant,
              DType.fromTorchName(computeDtype),
              (long) (maxShardGb * 1e9));
    } catch (IllegalArgumentException e) {
      return CliErrors.usage("quantize", e.getMessage());
    }
    if (Files.exists(out)) {
      return CliErrors.usage("quantize", out + " already exists; choose a new directory");
    }
    Path abs = out.toAbsolutePath();
    Path tmp =
        abs.resolveSibling("." + abs.getFileName() + ".partial-" + ProcessHandle.current().pid());
    try (Progress progress = output.progress("quantize")) {
      QuantizeReport r =
          CheckpointQuantizer.quantize(
              src,
              tmp,
              settings,
              new QuantizeListener() {
                @Override
                public void started(long total) {
                  progress.start(total);
                }

                @Override
                public void progress(long done, String tensor) {
                  progress.update(done);
                }
              });
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
      progress.close();
      if (!output.quiet()) {
        System.out.println(
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(r.toJson()));
        System.out.printf(
            "quantized %d linears (%.3f bits/param) in %.1f s → %s%n",
            r.quantizedTensors(), r.bitsPerParam(), r.seconds(), abs);
      }
      if (printPeakRss) {
        System.out.println("peak_rss_bytes=" + PeakRss.bytes());
        System.out.println("cpu_seconds=" + PeakRss.cpuSeconds());
      }
      return 0;
    } catch (FormatException e) {
      System.err.println("cura quantize: " + e.getMessage());
      FileTrees.deleteQuietly(tmp);
      return 2;
    } catch (IOException | RuntimeException e) {
      System.err.println("cura quantize: failed: " + e);
      FileTrees.deleteQuietly(tmp);
      return 1;
    }
  }
}
