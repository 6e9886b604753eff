package dev.cura.core.util;

import java.util.stream.IntStream;

/** Work over {@code [0, len)} split into contiguous slices that run in parallel. */
public final class Slices {
  private Slices() {}

  /** The work on one slice {@code [from, to)}, the {@code index}-th of them. */
  @FunctionalInterface
  public interface Slice {
    void run(int index, int from, int to);
  }

  /**
   * Runs {@code work} on {@code slices} slices of equal length (a multiple of {@code multipleOf},
   * the last one shorter) in parallel; empty slices are skipped. Slice {@code i} always covers the
   * same range, so per-slice seeds give the same result on any number of threads.
   */
  public static void parallel(int len, int slices, int multipleOf, Slice work) {
    int per = ((len + slices - 1) / slices + multipleOf - 1) / multipleOf * multipleOf;
    IntStream.range(0, slices)
        .parallel()
        .forEach(
            i -> {
              int from = i * per;
              int to = Math.min(len, from + per);
              if (from < to) {
                work.run(i, from, to);
              }
            });
  }
}
