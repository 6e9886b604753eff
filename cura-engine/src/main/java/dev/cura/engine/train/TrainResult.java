package dev.cura.engine.train;

import java.nio.file.Path;
import java.util.List;

/**
 * What a finished (or cancelled) run produced.
 *
 * @param adapterDir the PEFT adapter directory (the run's output directory)
 * @param steps optimizer steps completed
 * @param losses one mean training loss per step (including steps before a resume)
 * @param evalLoss validation loss, or NaN without validation data
 * @param tokensPerSecond training throughput (all positions)
 * @param tokens token positions trained over the whole run (including steps before a resume)
 * @param peakRssBytes peak resident set of the process
 * @param cancelled true if the listener stopped it
 * @param peakDeviceBytes per step, the peak memory on the model's device (see {@link StepMetrics})
 */
public record TrainResult(
    Path adapterDir,
    long steps,
    List<Double> losses,
    double evalLoss,
    double tokensPerSecond,
    long tokens,
    long peakRssBytes,
    boolean cancelled,
    List<Long> peakDeviceBytes) {
  /** The largest per-step device peak, or −1 without steps. */
  public long maxPeakDeviceBytes() {
    return peakDeviceBytes.stream().mapToLong(Long::longValue).max().orElse(-1);
  }
}
