package dev.cura.trainer.job;

import java.nio.file.Path;
import java.util.Map;

/**
 * How a training run ended.
 *
 * @param adapterDir PEFT adapter directory ({@code adapter_config.json}, {@code
 *     adapter_model.safetensors}); null when stopped early
 * @param metrics final numbers ({@code train_loss}, {@code steps}, {@code tokens_per_second},
 *     {@code eval_loss} when a validation file was given, …)
 * @param steps optimizer steps done in total (including those before a resume)
 * @param stoppedEarly true when the run ended because {@link TrainingListener#shouldStop()} said so
 */
public record TrainingResult(
    Path adapterDir, Map<String, Double> metrics, long steps, boolean stoppedEarly) {
  public TrainingResult {
    metrics = Map.copyOf(metrics);
    if (!stoppedEarly && adapterDir == null) {
      throw new IllegalArgumentException("a finished run must name its adapter directory");
    }
  }

  /** A run that ended on request after {@code steps} steps. */
  public static TrainingResult stopped(long steps) {
    return new TrainingResult(null, Map.of(), steps, true);
  }
}
