package dev.cura.cli.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

/**
 * A loss curve as a text chart for the terminal: the steps are split into {@code width} equal
 * buckets, each column shows the mean loss of its bucket as a {@code *} on a linear scale from the
 * lowest to the highest bucket mean, with the loss on the left axis and the steps below.
 */
public final class LossChart {
  private LossChart() {}

  /** The chart of {@code losses} (step → loss), or a one-line note when there are too few. */
  public static String render(SortedMap<Long, Double> losses, int width, int height) {
    if (losses.size() < 2) {
      return "  (no training-loss events were received)\n";
    }
    long first = losses.firstKey();
    long last = losses.lastKey();
    int cols = (int) Math.min(width, last - first + 1);
    double[] sum = new double[cols];
    int[] count = new int[cols];
    for (Map.Entry<Long, Double> e : losses.entrySet()) {
      int c = (int) ((e.getKey() - first) * cols / (last - first + 1));
      sum[c] += e.getValue();
      count[c]++;
    }
    List<Double> means = new ArrayList<>();
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < cols; c++) {
      double m = count[c] == 0 ? Double.NaN : sum[c] / count[c];
      means.add(m);
      if (!Double.isNaN(m)) {
        lo = Math.min(lo, m);
        hi = Math.max(hi, m);
      }
    }
    double span = hi > lo ? hi - lo : 1;
    StringBuilder b = new StringBuilder();
    for (int row = height - 1; row >= 0; row--) {
      double level = lo + span * row / (height - 1);
      String label =
          row == height - 1 || row == 0 || row == (height - 1) / 2
              ? String.format(Locale.ROOT, "%7.2f", level)
              : "       ";
      b.append(label).append(" ┤");
      for (double m : means) {
        int r = Double.isNaN(m) ? -1 : (int) Math.round((m - lo) / span * (height - 1));
        b.append(r == row ? '*' : ' ');
      }
      b.append('\n');
    }
    b.append("        └").append("─".repeat(cols)).append('\n');
    String left = "step " + first;
    String right = "step " + last;
    int gap = Math.max(1, cols + 1 - left.length() - right.length());
    b.append("         ").append(left).append(" ".repeat(gap)).append(right).append('\n');
    return b.toString();
  }
}
