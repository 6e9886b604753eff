package dev.cura.cli.quant;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A byte-progress display: a progress bar on a terminal, a line per 10% otherwise (logs, child
 * processes), nothing when quiet.
 */
public final class Progress implements AutoCloseable {
  /**
   * The command line's progress bar, ASCII so that it draws on any terminal: {@code task}, 0 of
   * {@code max}.
   */
  public static ProgressBarBuilder bar(String task, long max) {
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(max)
        .setStyle(ProgressBarStyle.ASCII);
  }

  private final String task;
  private final boolean quiet;
  private ProgressBar bar;
  private long max;
  private int lastDecile = -1;

  public Progress(String task, boolean quiet) {
    this.task = task;
    this.quiet = quiet;
  }

  public void start(long maxBytes) {
    this.max = Math.max(1, maxBytes);
    if (quiet) {
      return;
    }
    if (System.console() != null && System.console().isTerminal()) {
      bar = bar(task, max).setUnit(" MiB", 1 << 20).showSpeed().build();
    }
  }

  public void update(long done) {
    if (quiet) {
      return;
    }
    if (bar != null) {
      bar.stepTo(done);
      return;
    }
    int decile = (int) (10 * done / max);
    if (decile > lastDecile) {
      lastDecile = decile;
      System.err.printf("%s: %d%% (%d MiB)%n", task, decile * 10, done >> 20);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
