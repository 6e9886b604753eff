package dev.cura.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Locale;

/** The demo's closing report: the adapter, eval loss before/after, replies and voice scores. */
public final class DemoReport {
  private static final int COLUMN = 44;

  private DemoReport() {}

  /** The registered adapter ({@code name:version}) and its registry entry. */
  public record Adapter(String reference, JsonNode lineage) {}

  public static String format(
      Adapter registered,
      Path adapterDir,
      long bytes,
      String sha256,
      ReplyComparison.Result r,
      int show,
      double seconds) {
    StringBuilder b = new StringBuilder("\n");
    if (registered != null) {
      b.append(String.format(Locale.ROOT, "adapter     %s%n", registered.reference()));
      JsonNode digest = registered.lineage().path("digest");
      if (digest.isTextual()) {
        b.append(String.format(Locale.ROOT, "            registry digest %s%n", digest.asText()));
      }
    }
    b.append(String.format(Locale.ROOT, "            %s%n", adapterDir));
    b.append(
        String.format(
            Locale.ROOT,
            "            %,d bytes, adapter_model.safetensors sha256 %s%n",
            bytes,
            sha256));
    b.append(
        String.format(
            Locale.ROOT,
            "eval loss   base %.4f → fine-tuned %.4f  (%,d assistant tokens of the validation set)%n",
            r.baseLoss(),
            r.tunedLoss(),
            r.evalTokens()));
    b.append('\n');
    int n = Math.min(show, r.rows().size());
    for (int i = 0; i < n; i++) {
      b.append(SideBySide.format(r.rows().get(i), i + 1, COLUMN)).append('\n');
    }
    b.append(
        String.format(
            Locale.ROOT,
            "voice rules followed (%d validation comments): base vs fine-tuned%n",
            r.rows().size()));
    b.append(compare(r.base(), r.tuned()));
    b.append(
        String.format(
            Locale.ROOT,
            "%ndone in %dm%02ds%n",
            Math.round(seconds) / 60,
            Math.round(seconds) % 60));
    return b.toString();
  }

  /** One line per rule that applied: base rate, fine-tuned rate; then score and all-rules. */
  static String compare(VoiceTally base, VoiceTally tuned) {
    StringBuilder b = new StringBuilder();
    for (VoiceRule rule : VoiceRule.values()) {
      int n = Math.max(base.applied(rule), tuned.applied(rule));
      if (n == 0) {
        continue;
      }
      b.append(
          String.format(
              Locale.ROOT,
              "  %-18s %6.1f%% → %6.1f%%   (applies to %d)%n",
              rule.id(),
              100 * base.rate(rule),
              100 * tuned.rate(rule),
              n));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "  %-18s %6.1f%% → %6.1f%%   (mean share of applicable rules followed)%n",
            "score",
            100 * base.meanScore(),
            100 * tuned.meanScore()));
    b.append(
        String.format(
            Locale.ROOT,
            "  %-18s %6.1f%% → %6.1f%%   (replies that follow every rule)%n",
            "all rules",
            100 * base.allFollowedRate(),
            100 * tuned.allFollowedRate()));
    return b.toString();
  }
}
