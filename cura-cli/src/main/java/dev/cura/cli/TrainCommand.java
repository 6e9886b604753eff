package dev.cura.cli;

import dev.cura.cli.engine.CliErrors;
import dev.cura.cli.engine.ModelDir;
import dev.cura.cli.engine.SpecFlags;
import dev.cura.cli.engine.TrainProgress;
import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.nn.ComputeDevice;
import dev.cura.engine.train.TrainConfig;
import dev.cura.engine.train.TrainResult;
import dev.cura.engine.train.Trainer;
import dev.cura.events.JobSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./cura train}: Trains a LoRA adapter on a (quantized) base model. Its settings are the job
 * spec's (the same rules and defaults as a job submitted to the services, {@link JobSpec}); a
 * setting outside the rules exits with code 2 naming the flag.
 */
@Command(
    name = "train",
    defaultValueProvider = SpecFlags.class,
    modelTransformer = SpecFlags.class,
    description = {
      "Trains a LoRA adapter (QLoRA: NF4 base, paged AdamW) → PEFT adapter + metrics.json.",
      "Settings and defaults are those of a fine-tuning job (docs/api.md): the same settings and"
          + " seed train the same adapter here and in the services."
    })
public final class TrainCommand implements Callable<Integer> {
  @Mixin ModelDir model;

  @Option(
      names = "--data",
      required = true,
      description = "training JSONL (messages or prompt/completion)")
  Path data;

  @Option(names = "--validation", description = "validation JSONL (eval_loss in metrics.json)")
  Path validation;

  @Option(names = "--out", required = true, description = "output directory")
  Path out;

  @Option(names = "--resume", description = "continue from the latest checkpoint in --out")
  boolean resume;

  @Option(names = "--device", defaultValue = "cpu", description = "cpu | cuda | cuda:N | auto")
  String device;

  /** The command with the job-spec flags {@link SpecFlags} added. */
  @Spec CommandSpec command;

  /** The settings as a job spec (defaults for what no flag set). */
  JobSpec spec() {
    return SpecFlags.spec(command);
  }

  @Override
  public Integer call() {
    JobSpec spec = spec();
    if (!spec.violations().isEmpty()) {
      return CliErrors.usage("train", SpecFlags.describe(spec.violations()));
    }
    return CliErrors.run(
        "train",
        () -> {
          TrainConfig cfg =
              TrainConfig.builder()
                  .setModel(model.path())
                  .setData(data)
                  .setOutput(out)
                  .optValidation(validation)
                  .optSpec(spec)
                  .optResume(resume)
                  .build();
          TrainResult r;
          Integer planned = spec.training().maxSteps();
          try (TrainProgress bar = new TrainProgress("train", planned == null ? -1 : planned)) {
            ComputeDevice dev = ComputeDevice.parse(device);
            LoadOptions options = cfg.loadOptions(dev);
            r = Trainer.run(cfg, options, bar);
          }
          System.out.printf(
              "adapter: %s%nsteps: %d  first loss: %.4f  last loss: %.4f%s%ntokens/s: %.1f  peak RSS: %.2f GiB%n",
              r.adapterDir(),
              r.steps(),
              r.losses().get(0),
              r.losses().get(r.losses().size() - 1),
              Double.isNaN(r.evalLoss()) ? "" : String.format("  eval loss: %.4f", r.evalLoss()),
              r.tokensPerSecond(),
              r.peakRssBytes() / (double) (1L << 30));
          return 0;
        });
  }
}
