package dev.cura.cli.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Formats the demo's before/after: each comment, then the base model's and the fine-tuned model's
 * replies in two columns (word-wrapped), each column headed by its voice score.
 */
public final class SideBySide {
  private SideBySide() {}

  /** One comment with both replies in columns of {@code width} characters each. */
  public static String format(ReplyComparison.Row row, int index, int width) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%d. %s%n", index, row.comment()));
    String left =
        String.format(
            Locale.ROOT, "base (%d/%d rules)", row.base().followed(), row.base().applicable());
    String right =
        String.format(
            Locale.ROOT,
            "fine-tuned (%d/%d rules)",
            row.tuned().followed(),
            row.tuned().applicable());
    List<String> l = wrap(row.baseReply().isEmpty() ? "(empty)" : row.baseReply(), width);
    List<String> r = wrap(row.tunedReply().isEmpty() ? "(empty)" : row.tunedReply(), width);
    b.append("   ").append(pad(left, width)).append(" │ ").append(right).append('\n');
    for (int i = 0; i < Math.max(l.size(), r.size()); i++) {
      String a = i < l.size() ? l.get(i) : "";
      String c = i < r.size() ? r.get(i) : "";
      b.append("   ").append(pad(a, width)).append(" │ ").append(c).append('\n');
    }
    return b.toString();
  }

  /** Greedy word wrap; a word longer than the width is cut. */
  static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.strip().split("\\s+")) {
      while (word.length() > width) {
        if (!line.isEmpty()) {
          lines.add(line.toString());
          line.setLength(0);
        }
        lines.add(word.substring(0, width));
        word = word.substring(width);
      }
      if (word.isEmpty()) {
        continue;
      }
      if (!line.isEmpty() && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (!line.isEmpty()) {
        line.append(' ');
      }
      line.append(word);
    }
    if (!line.isEmpty()) {
      lines.add(line.toString());
    }
    return lines;
  }

  private static String pad(String s, int width) {
    int cps = s.codePointCount(0, s.length());
    return cps >= width ? s : s + " ".repeat(width - cps);
  }
}
