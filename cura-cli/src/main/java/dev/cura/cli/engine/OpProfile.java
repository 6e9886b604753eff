package dev.cura.cli.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Self time per op of one profiled step, read from a Chrome trace as libtorch's profiler (CURA,
 * through DJL) or torch.profiler (the PyTorch peer) writes it: complete events ({@code "ph": "X"}),
 * nested by time on each thread; an op's self time is its duration less that of the ops it called
 * (so {@code aten::linear} does not count the {@code aten::mm} inside it twice). torch.profiler's
 * own span and Python-level events are left out (only {@code cpu_op}/{@code cuda_runtime}/kernel
 * categories, or events without a category, count).
 *
 * @param selfMicros op name → self time in µs, summed over the step
 * @param calls op name → number of calls
 */
public record OpProfile(Map<String, Long> selfMicros, Map<String, Integer> calls) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Total self time of the step's ops, µs. */
  public long totalMicros() {
    return selfMicros.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Reads a trace file. */
  public static OpProfile read(Path trace) throws IOException {
    JsonNode root = JSON.readTree(trace.toFile());
    JsonNode events = root.isArray() ? root : root.path("traceEvents");
    Map<String, List<long[]>> byThread = new HashMap<>(); // tid → [ts, dur, index]
    List<String> names = new ArrayList<>();
    for (JsonNode e : events) {
      if (!"X".equals(e.path("ph").asText()) || !counted(e.path("cat").asText(""))) {
        continue;
      }
      names.add(e.path("name").asText());
      byThread
          .computeIfAbsent(
              e.path("pid").asText() + "/" + e.path("tid").asText(), k -> new ArrayList<>())
          .add(
              new long[] {
                Math.round(e.path("ts").asDouble()),
                Math.round(e.path("dur").asDouble()),
                names.size() - 1
              });
    }
    Map<String, Long> self = new HashMap<>();
    Map<String, Integer> calls = new HashMap<>();
    for (List<long[]> evs : byThread.values()) {
      // parents before their children: by start, the longer first
      evs.sort(Comparator.<long[]>comparingLong(x -> x[0]).thenComparingLong(x -> -x[1]));
      Deque<long[]> open = new ArrayDeque<>(); // [end, index, self]
      List<long[]> done = new ArrayList<>();
      for (long[] ev : evs) {
        while (!open.isEmpty() && open.peek()[0] <= ev[0]) {
          done.add(open.pop());
        }
        if (!open.isEmpty()) {
          open.peek()[2] -= ev[1];
        }
        open.push(new long[] {ev[0] + ev[1], ev[2], ev[1]});
      }
      done.addAll(open);
      for (long[] d : done) {
        String name = names.get((int) d[1]);
        self.merge(name, Math.max(0, d[2]), Long::sum);
        calls.merge(name, 1, Integer::sum);
      }
    }
    return new OpProfile(self, calls);
  }

  private static boolean counted(String category) {
    return category.isEmpty()
        || category.equals("cpu_op")
        || category.equals("cuda_runtime")
        || category.equals("kernel");
  }

  /**
   * The ops that take the most self time in any of the profiles, one row each with every profile's
   * time and share side by side ({@code rows} rows, then the rest and the total).
   */
  public static List<String> table(Map<String, OpProfile> sides, int rows) {
    Map<String, Long> worst = new HashMap<>();
    sides.values().forEach(p -> p.selfMicros().forEach((op, us) -> worst.merge(op, us, Math::max)));
    List<String> ops =
        worst.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .limit(rows)
            .map(Map.Entry::getKey)
            .toList();
    List<String> out = new ArrayList<>();
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-36s", "op (self time)"));
    sides.keySet().forEach(k -> head.append(String.format(Locale.ROOT, " %22s", k)));
    out.add(head.toString());
    Map<String, Long> shown = new LinkedHashMap<>();
    for (String op : ops) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-36s", clip(op, 36)));
      for (Map.Entry<String, OpProfile> s : sides.entrySet()) {
        long us = s.getValue().selfMicros().getOrDefault(op, 0L);
        shown.merge(s.getKey(), us, Long::sum);
        row.append(cell(us, s.getValue().calls().getOrDefault(op, 0), s.getValue().totalMicros()));
      }
      out.add(row.toString());
    }
    StringBuilder rest = new StringBuilder(String.format(Locale.ROOT, "%-36s", "(all other ops)"));
    StringBuilder total = new StringBuilder(String.format(Locale.ROOT, "%-36s", "total"));
    for (Map.Entry<String, OpProfile> s : sides.entrySet()) {
      long all = s.getValue().totalMicros();
      rest.append(cell(all - shown.getOrDefault(s.getKey(), 0L), -1, all));
      total.append(cell(all, -1, all));
    }
    out.add(rest.toString());
    out.add(total.toString());
    return out;
  }

  private static String cell(long us, int calls, long total) {
    String c = calls >= 0 ? String.format(Locale.ROOT, " ×%d", calls) : "";
    return String.format(
        Locale.ROOT,
        " %22s",
        String.format(
            Locale.ROOT, "%.1f ms %4.1f%%%s", us / 1e3, 100.0 * us / Math.max(1, total), c));
  }

  private static String clip(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }
}
