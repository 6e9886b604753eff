import dev.cura.cli.demo.LossChart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Prints a pretraining run's loss curve as the text charts of a model card: the training loss and
 * the held-out loss of {@code loss-curve.csv} (written by {@code ./cura pretrain}: {@code
 * step,train_loss,lr,heldout_loss[,copy_probe_loss]}), drawn by the demo's {@link LossChart}.
 *
 * <pre>
 *   java -cp cura-cli/target/cura-cli.jar models/recipe/LossCurve.java models/cura-small/loss-curve.csv
 * </pre>
 */
public final class LossCurve {
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: LossCurve.java LOSS_CURVE_CSV");
      System.exit(2);
    }
    List<String> lines = Files.readAllLines(Path.of(args[0]));
    if (lines.isEmpty() || !lines.get(0).startsWith("step,train_loss,")) {
      System.err.println(args[0] + ": expected a header step,train_loss,lr,heldout_loss");
      System.exit(2);
    }
    SortedMap<Long, Double> train = new TreeMap<>();
    SortedMap<Long, Double> heldOut = new TreeMap<>();
    SortedMap<Long, Double> copy = new TreeMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      long step = Long.parseLong(f[0]);
      train.put(step, Double.parseDouble(f[1]));
      if (f.length > 3 && !f[3].isBlank()) {
        heldOut.put(step, Double.parseDouble(f[3]));
      }
      if (f.length > 4 && !f[4].isBlank()) {
        copy.put(step, Double.parseDouble(f[4]));
      }
    }
    System.out.println("training loss (nats/token, mean per column)");
    System.out.print(LossChart.render(train, 60, 12));
    System.out.println();
    System.out.println("held-out loss (nats/token)");
    System.out.print(LossChart.render(heldOut, 60, 8));
    System.out.println("held-out by step:" + byStep(heldOut));
    if (!copy.isEmpty()) {
      System.out.println();
      System.out.println("copy probe (nats/token on a repeated span of random tokens; 0 = copies)");
      System.out.print(LossChart.render(copy, 60, 8));
      System.out.println("copy probe by step:" + byStep(copy));
    }
  }

  /** " step:loss" for every point, for the card's text. */
  private static String byStep(SortedMap<Long, Double> points) {
    StringBuilder row = new StringBuilder();
    points.forEach((step, loss) -> row.append(String.format(Locale.ROOT, " %d:%.3f", step, loss)));
    return row.toString();
  }
}
