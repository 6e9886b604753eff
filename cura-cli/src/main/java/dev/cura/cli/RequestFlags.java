package dev.cura.cli;

import dev.cura.cli.engine.SpecFlags;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code ./cura jobs create}'s optional settings ↔ the fields of the create-job request
 * (docs/api.md), one table ({@link #FLAGS}): it adds the flags to the command (a picocli model
 * transformer) and puts what was given into the request body. A setting not given is left out, so
 * the gateway applies the job spec's default.
 */
final class RequestFlags implements CommandLine.IModelTransformer {

  /**
   * One request field as a flag: the flag, the field's path in the body ({@code
   * hyperparameters.n_epochs}), its type and help text. A Boolean flag ({@code --no-…}) sends false
   * when given.
   */
  record Flag(String name, String path, Class<?> type, String description) {}

  /** Every optional setting's flag, in the request's field order. */
  static final List<Flag> FLAGS =
      List.of(
          new Flag(
              "--validation-file",
              "validation_file",
              String.class,
              "File id of a validation file."),
          new Flag("--epochs", "hyperparameters.n_epochs", Integer.class, "n_epochs."),
          new Flag("--batch-size", "hyperparameters.batch_size", Integer.class, "batch_size."),
          new Flag("--lr", "hyperparameters.learning_rate", Double.class, "learning_rate."),
          new Flag("--rank", "hyperparameters.lora_r", Integer.class, "lora_r."),
          new Flag("--alpha", "hyperparameters.lora_alpha", Double.class, "lora_alpha."),
          new Flag("--dropout", "hyperparameters.lora_dropout", Double.class, "lora_dropout."),
          new Flag(
              "--max-steps",
              "hyperparameters.max_steps",
              Integer.class,
              "Stop after this many steps."),
          new Flag(
              "--seq-len",
              "hyperparameters.seq_len",
              Integer.class,
              "seq_len: tokens per sequence."),
          new Flag(
              "--quant",
              "quantization.type",
              String.class,
              "quantization.type: ${COMPLETION-CANDIDATES}."),
          new Flag(
              "--no-double-quant",
              "quantization.double_quant",
              Boolean.class,
              "Do not quantize the absmax constants."),
          new Flag("--optimizer", "optimizer", String.class, "${COMPLETION-CANDIDATES}."),
          new Flag(
              "--suffix",
              "suffix",
              String.class,
              "Adapter name suffix: the adapter is <model>-<suffix>."),
          new Flag("--seed", "seed", Long.class, "Seed of every RNG (default: random, recorded)."));

  /** Adds every request flag to the command. */
  @Override
  public CommandSpec transform(CommandSpec command) {
    for (Flag f : FLAGS) {
      OptionSpec.Builder o = SpecFlags.option(f.name(), f.type(), f.description());
      switch (f.name()) {
        case "--quant" -> o.completionCandidates(new SpecFlags.QuantTypes());
        case "--optimizer" -> o.completionCandidates(new SpecFlags.Optimizers());
        default -> {}
      }
      command.addOption(o.build());
    }
    return command;
  }

  /**
   * Puts the settings given on the parsed command into {@code body}; the request's sections ({@code
   * hyperparameters}, {@code quantization}) are there even when empty.
   */
  static void put(CommandSpec command, Map<String, Object> body) {
    for (Flag f : FLAGS) {
      Map<String, Object> section = body;
      String key = f.path();
      int dot = key.indexOf('.');
      if (dot > 0) {
        section = section(body, key.substring(0, dot));
        key = key.substring(dot + 1);
      }
      Object v = command.findOption(f.name()).getValue();
      if (f.type() == Boolean.class) {
        v = Boolean.TRUE.equals(v) ? Boolean.FALSE : null; // --no-…: given sends false
      }
      if (v != null) {
        section.put(key, v);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> section(Map<String, Object> body, String name) {
    return (Map<String, Object>) body.computeIfAbsent(name, k -> new LinkedHashMap<>());
  }
}
