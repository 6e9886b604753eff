package dev.cura.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a followed job: a progress bar over training steps (with loss and tokens/s) on a terminal,
 * and every other event as a line. Without a terminal, metrics print as lines too.
 */
public final class JobProgress implements AutoCloseable {
  private final boolean terminal = System.console() != null;
  private ProgressBar bar;

  /** Handles one event of the job's stream. */
  public void onEvent(JsonNode e) {
    JsonNode data = e.path("data");
    if ("metrics".equals(e.path("type").asText())
        && terminal
        && data.path("total_steps").canConvertToLong()) {
      if (bar == null) {
        bar =
            new ProgressBarBuilder()
                .setTaskName("training")
                .setInitialMax(data.path("total_steps").asLong())
                .setStyle(ProgressBarStyle.ASCII)
                .build();
      }
      bar.stepTo(data.path("step").asLong());
      bar.setExtraMessage(
          String.format(
              Locale.ROOT,
              "loss %.4f · %,.0f tok/s",
              data.path("train_loss").asDouble(),
              data.path("tokens_per_second").asDouble()));
      return;
    }
    if (bar != null && !"metrics".equals(e.path("type").asText())) {
      bar.close();
      bar = null;
    }
    System.out.printf(
        "%s %-5s %s%n",
        Printer.time(e.path("created_at")), e.path("level").asText(), e.path("message").asText());
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
