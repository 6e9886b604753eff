package dev.cura.engine.optim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Paged optimizer states (QLORA-SPEC §7.1 on a CPU machine): the state slots of every parameter
 * live in a memory-mapped page file, outside the training working set. The file is mapped in
 * fixed-size pages (4 MiB); at most {@code residentBudget} bytes of pages are mapped at once and
 * the least recently used page is unmapped when a new one is needed, so the kernel writes it back
 * and it leaves the process's resident set. A parameter's state is brought in (copied into scratch
 * arrays) for its update and written back, which keeps the arithmetic identical to {@link
 * HeapStates}.
 *
 * <p>{@link #pagedBytes()} counts the paging traffic: a page mapped in and a page evicted each move
 * one page.
 */
public final class PagedStates implements StateStore {
  static final long PAGE = 4L << 20;

  private final Path file;
  private final FileChannel channel;
  private final long residentBudget;
  private final Map<String, long[]> slots = new HashMap<>(); // name → {offset, bytes}
  private final LinkedHashMap<Long, Mapped> mapped = new LinkedHashMap<>(16, 0.75f, true);
  private long size;
  private long paged;

  private record Mapped(Arena arena, MemorySegment segment) {}

  /** Creates a page file in {@code dir} with a resident budget in bytes (at least one page). */
  public PagedStates(Path dir, long residentBudget) throws IOException {
    Files.createDirectories(dir);
    this.file = Files.createTempFile(dir, "cura-optim-", ".pages");
    this.channel =
        FileChannel.open(
            file,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE,
            StandardOpenOption.DELETE_ON_CLOSE);
    this.residentBudget = Math.max(PAGE, residentBudget);
  }

  @Override
  public void ensure(String name, long bytes) {
    if (slots.containsKey(name)) {
      return;
    }
    slots.put(name, new long[] {size, bytes});
    size += bytes;
    try {
      long pages = (size + PAGE - 1) / PAGE;
      if (channel.size() < pages * PAGE) {
        // a sparse file: zero-filled pages cost no disk or memory until written
        channel.write(ByteBuffer.wrap(new byte[1]), pages * PAGE - 1);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void transfer(String name, long offset, MemorySegment memory, boolean toStore) {
    long[] slot = slots.get(name);
    if (slot == null) {
      throw new IllegalStateException("no optimizer state for " + name);
    }
    long n = memory.byteSize();
    if (offset < 0 || offset + n > slot[1]) {
      throw new IndexOutOfBoundsException(
          name + ": bytes " + offset + ".." + (offset + n) + " outside its " + slot[1]);
    }
    long done = 0;
    while (done < n) {
      long pos = slot[0] + offset + done;
      long page = pos / PAGE;
      long within = pos - page * PAGE;
      long count = Math.min(n - done, PAGE - within);
      MemorySegment seg = page(page);
      if (toStore) {
        MemorySegment.copy(memory, done, seg, within, count);
      } else {
        MemorySegment.copy(seg, within, memory, done, count);
      }
      done += count;
    }
  }

  private MemorySegment page(long index) {
    Mapped m = mapped.get(index);
    if (m != null) {
      return m.segment();
    }
    while (!mapped.isEmpty() && (mapped.size() + 1) * PAGE > residentBudget) {
      Long eldest = mapped.keySet().iterator().next();
      mapped.remove(eldest).arena().close(); // munmap: dirty pages go back to the file
      paged += PAGE;
    }
    Arena arena = Arena.ofShared();
    try {
      MemorySegment seg = channel.map(FileChannel.MapMode.READ_WRITE, index * PAGE, PAGE, arena);
      mapped.put(index, new Mapped(arena, seg));
      paged += PAGE;
      return seg;
    } catch (IOException e) {
      arena.close();
      throw new UncheckedIOException(e);
    }
  }

  /** The page file (deleted on close). */
  public Path file() {
    return file;
  }

  @Override
  public long residentBytes() {
    return mapped.size() * PAGE;
  }

  @Override
  public long pagedBytes() {
    return paged;
  }

  @Override
  public void close() {
    mapped.values().forEach(m -> m.arena().close());
    mapped.clear();
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
