package dev.cura.cli.engine;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --model} of the commands that load a base model ({@code train}, and through {@link
 * ModelOptions} {@code eval}, {@code generate}, {@code logits}; a picocli mixin).
 */
public final class ModelDir {
  @Option(
      names = "--model",
      required = true,
      description = "HF checkpoint or quantized artifact dir")
  Path model;

  /** The dense checkpoint's or quantized artifact's directory. */
  public Path path() {
    return model;
  }
}
