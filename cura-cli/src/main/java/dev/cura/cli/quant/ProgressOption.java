package dev.cura.cli.quant;

import picocli.CommandLine.Option;

/**
 * {@code --quiet} of the commands that show their progress ({@code quantize}, {@code synth}, {@code
 * pretrain}; a picocli mixin).
 */
public final class ProgressOption {
  @Option(names = "--quiet", description = "no progress output")
  boolean quiet;

  /** Whether --quiet was given: no progress and no summary. */
  public boolean quiet() {
    return quiet;
  }

  /** A byte-progress display for {@code task}, silent with --quiet. */
  public Progress progress(String task) {
    return new Progress(task, quiet);
  }
}
