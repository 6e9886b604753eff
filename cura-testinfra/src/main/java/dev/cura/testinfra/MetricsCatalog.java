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
   * The {@code cura_*} families the catalog says {@code service} (e.g. "gateway-service") exports.
   */
  public static Set<String> curaFamiliesOf(String service) {
    Set<String> families = new TreeSet<>();
    for (String line : lines()) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 2 && f[1].equals(service) && f[0].startsWith("cura_")) {
        families.add(f[0]);
      }
    }
    if (families.isEmpty()) {
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
    for (String family : curaFamiliesOf(service)) {
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
