package dev.cura.cli.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The process table of the local stack ({@code .cura/local/stack.json}): what {@code up} started,
 * so {@code status} can show it and {@code down} can stop exactly that.
 */
public final class StackState {
  /**
   * One started process.
   *
   * @param name component name ({@code kafka}, {@code postgres}, {@code gateway}, …)
   * @param pid process id of the child (the root of its process tree)
   * @param port the TCP port it serves
   * @param marker a string its command line contains, so a recycled pid is never mistaken for it
   * @param url where to reach it, for humans
   */
  public record Entry(String name, long pid, int port, String marker, String url) {
    /** The live process, when this pid still runs the command we started. */
    public Optional<ProcessHandle> process() {
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(p -> Children.commandLine(p.pid()).map(c -> c.contains(marker)).orElse(false));
    }
  }

  /** The table on disk. */
  public record Table(List<Entry> entries, String dbUrl) {
    public Table {
      entries = List.copyOf(entries);
    }
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private StackState() {}

  /** The saved table, or an empty one. */
  public static Table load(Path file) throws IOException {
    if (!Files.exists(file)) {
      return new Table(List.of(), null);
    }
    return JSON.readValue(file.toFile(), Table.class);
  }

  /** Saves atomically (temp + rename). */
  public static void save(Path file, Table table) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    JSON.writeValue(tmp.toFile(), table);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** {@code table} with {@code entry} replacing any entry of the same name. */
  public static Table with(Table table, Entry entry, String dbUrl) {
    var entries = new ArrayList<Entry>();
    for (Entry e : table.entries()) {
      if (!e.name().equals(entry.name())) {
        entries.add(e);
      }
    }
    entries.add(entry);
    return new Table(entries, dbUrl != null ? dbUrl : table.dbUrl());
  }
}
