package dev.cura.testinfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Prometheus series families that dashboards, alerts and KEDA triggers query, read from {@code
 * deploy/metrics-catalog.txt} ({@code FAMILY SERVICE} per line, {@code #} comments). Service tests
 * scrape their own {@code /q/metrics} and call {@link #missing} so that a renamed meter fails the
 * build instead of silently emptying a dashboard panel.
 */
public final class MetricsCatalog {
  static final String CATALOG = "deploy/metrics-catalog.txt";

  private MetricsCatalog() {}

  /**
   * The families the catalog says {@code service} (e.g. "gateway-service") exports: its own {@code
   * cura_*} meters and the standard JVM, process, HTTP and Kafka client series the dashboards read.
   */
  public static Set<String> familiesOf(String service) {
    Set<String> families = new TreeSet<>();
    for (String line : lines()) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 2 && f[1].equals(service)) {
        families.add(f[0]);
      }
    }
    if (families.stream().noneMatch(f -> f.startsWith("cura_"))) {
      throw new IllegalStateException(CATALOG + " lists no cura_* family for " + service);
    }
    return families;
  }

  /**
   * The families of {@code service} that do not appear in a Prometheus text exposition: a family
   * counts as present when some sample name equals it or extends it with a Prometheus suffix
   * ({@code _total}, {@code _count}, {@code _sum}, {@code _max}, {@code _bucket}).
   */
  public static List<String> missing(String service, String prometheusText) {
    Set<String> samples = new TreeSet<>();
    for (String line : prometheusText.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = line.indexOf('{');
      if (end < 0) {
        end = line.indexOf(' ');
      }
      samples.add(end < 0 ? line : line.substring(0, end));
    }
    List<String> missing = new ArrayList<>();
    for (String family : familiesOf(service)) {
      boolean present =
          samples.stream()
              .anyMatch(
                  s ->
                      s.equals(family)
                          || s.equals(family + "_total")
                          || s.equals(family + "_count")
                          || s.equals(family + "_sum")
                          || s.equals(family + "_max")
                          || s.equals(family + "_bucket"));
      if (!present) {
        missing.add(family);
      }
    }
    return missing;
  }

  /**
   * The value of one sample, {@code series} written as in the exposition (name and labels, e.g.
   * {@code foo_total{a="b"}}).
   *
   * @throws AssertionError when the exposition has no such sample
   */
  public static double sample(String prometheusText, String series) {
    for (String line : prometheusText.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim().split("\\s+")[0]);
      }
    }
    throw new AssertionError("no sample " + series + " in\n" + prometheusText);
  }

  private static List<String> lines() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      Path file = d.resolve(CATALOG);
      if (Files.isRegularFile(file)) {
        try {
          return Files.readAllLines(file).stream().filter(l -> !l.startsWith("#")).toList();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    throw new IllegalStateException("no " + CATALOG + " above " + dir);
  }
}
