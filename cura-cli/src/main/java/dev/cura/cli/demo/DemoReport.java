package dev.cura.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;

/**
 * The demo's closing report: the adapter, the job's training-loss curve, eval loss before/after,
 * one validation comment of each kind with the base model's and the fine-tuned model's replies side
 * by side, and the voice-rule rates before → after.
 */
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
      SortedMap<Long, Double> losses,
      int show,
      double seconds) {
    StringBuilder b = new StringBuilder("\n");
    if (!losses.isEmpty()) {
      b.append("training loss of the job (mean per column)\n");
      b.append(LossChart.render(losses, 60, 10)).append('\n');
    }
    if (registered != null) {
      b.append(String.format(Locale.ROOT, "adapter     %s%n", registered.reference()));
      JsonNode digest = registered.lineage().path("digest");
      if (digest.isTextual()) {
        b.append(String.format(Locale.ROOT, "            registry digest %s%n", digest.asText()));
      }
    }
    b.append(
        String.format(
            Locale.ROOT, registered == null ? "adapter     %s%n" : "            %s%n", adapterDir));
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
    List<ReplyComparison.Row> shown = pick(r.rows(), show);
    for (int i = 0; i < shown.size(); i++) {
      ReplyComparison.Row row = shown.get(i);
      b.append("[").append(CommentKind.of(row.comment()).id()).append("] ");
      b.append(SideBySide.format(row, i + 1, COLUMN)).append('\n');
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
            "  %-18s %6d  → %6d    (different replies among the %d)%n",
            "distinct replies",
            distinct(r.rows(), true),
            distinct(r.rows(), false),
            r.rows().size()));
    b.append(
        String.format(
            Locale.ROOT,
            "%ndone in %dm%02ds%n",
            Math.round(seconds) / 60,
            Math.round(seconds) % 60));
    return b.toString();
  }

  /**
   * Up to {@code show} rows: the first comment of each kind (question, rude, spam, praise,
   * suggestion, greeting) that occurs, then further comments in order.
   */
  static List<ReplyComparison.Row> pick(List<ReplyComparison.Row> rows, int show) {
    List<ReplyComparison.Row> out = new ArrayList<>();
    for (CommentKind kind : CommentKind.values()) {
      rows.stream()
          .filter(row -> CommentKind.of(row.comment()) == kind)
          .findFirst()
          .ifPresent(out::add);
    }
    for (ReplyComparison.Row row : rows) {
      if (!out.contains(row)) {
        out.add(row);
      }
    }
    return out.subList(0, Math.min(show, out.size()));
  }

  static long distinct(List<ReplyComparison.Row> rows, boolean base) {
    return rows.stream().map(row -> base ? row.baseReply() : row.tunedReply()).distinct().count();
  }

  /** One line per rule that applied: base rate, fine-tuned rate; then score and all-rules. */
  static String compare(VoiceTally base, VoiceTally tuned) {
    StringBuilder b = new StringBuilder();
    for (VoiceRule rule : VoiceRule.values()) {
      int n = Math.max(base.applied(rule), tuned.applied(rule));
      if (n > 0) {
        row(b, rule.id(), base.rate(rule), tuned.rate(rule), "applies to " + n);
      }
    }
    row(b, "score", base.meanScore(), tuned.meanScore(), "mean share of applicable rules followed");
    row(
        b,
        "all rules",
        base.allFollowedRate(),
        tuned.allFollowedRate(),
        "replies that follow every rule");
    return b.toString();
  }

  /** One line of the comparison: a share before → after tuning, and what it counts. */
  private static void row(StringBuilder b, String what, double base, double tuned, String note) {
    b.append(
        String.format(
            Locale.ROOT,
            "  %-18s %6.1f%% → %6.1f%%   (%s)%n",
            what,
            100 * base,
            100 * tuned,
            note));
  }
}
