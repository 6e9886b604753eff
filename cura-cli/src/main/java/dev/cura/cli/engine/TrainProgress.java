package dev.cura.cli.engine;

import dev.cura.cli.quant.Progress;
import dev.cura.engine.train.StepMetrics;
import dev.cura.engine.train.TrainingListener;
import java.nio.file.Path;
import me.tongfei.progressbar.ProgressBar;

/** A progress bar with loss and tokens/s for training runs. */
public final class TrainProgress implements TrainingListener, AutoCloseable {
  private final ProgressBar bar;

  /**
   * @param steps steps of the run, or -1 when only the engine knows (it reports them each step)
   */
  public TrainProgress(String task, long steps) {
    this.bar = Progress.bar(task, steps).continuousUpdate().build();
  }

  @Override
  public void onStep(StepMetrics s) {
    if (bar.getMax() != s.totalSteps()) {
      bar.maxHint(s.totalSteps());
    }
    bar.stepTo(s.step());
    bar.setExtraMessage(
        String.format(
            " loss %.4f  %.0f tok/s  rss %.2f GiB",
            s.loss(), s.tokensPerSecond(), s.peakRssBytes() / (double) (1L << 30)));
  }

  @Override
  public void onCheckpoint(long step, Path dir) {
    bar.setExtraMessage(" checkpoint " + dir.getFileName());
  }

  @Override
  public void close() {
    bar.close();
  }
}
