package dev.cura.engine.optim;

import java.lang.foreign.MemorySegment;

/**
 * Where an optimizer's per-parameter state lives: one zero-filled slot of bytes per parameter
 * (AdamW 32-bit: m then v as float32; AdamW 8-bit: codes and block absmax), brought into Java
 * arrays for an update and written back. Paging is a property of the store ({@link PagedStates}),
 * not of the optimizer (as in bitsandbytes), so every optimizer can be paged.
 */
public interface StateStore extends AutoCloseable {
  /** Reserves a zero-filled slot of {@code bytes} for {@code name} if absent. */
  void ensure(String name, long bytes);

  /**
   * Copies {@code memory.byteSize()} bytes between the slot of {@code name}, from byte {@code
   * offset}, and {@code memory}.
   *
   * @param toStore true writes memory into the slot, false reads the slot into memory
   */
  void transfer(String name, long offset, MemorySegment memory, boolean toStore);

  /** Bytes of state held in memory right now. */
  long residentBytes();

  /** Bytes moved between the page file and memory so far (0 for a store that does not page). */
  long pagedBytes();

  /** Reads {@code dst.length} floats from byte {@code offset} of the slot. */
  default void read(String name, long offset, float[] dst) {
    transfer(name, offset, MemorySegment.ofArray(dst), false);
  }

  /** Writes {@code src} at byte {@code offset} of the slot. */
  default void write(String name, long offset, float[] src) {
    transfer(name, offset, MemorySegment.ofArray(src), true);
  }

  /** Reads {@code dst.length} bytes from byte {@code offset} of the slot. */
  default void read(String name, long offset, byte[] dst) {
    transfer(name, offset, MemorySegment.ofArray(dst), false);
  }

  /** Writes {@code src} at byte {@code offset} of the slot. */
  default void write(String name, long offset, byte[] src) {
    transfer(name, offset, MemorySegment.ofArray(src), true);
  }

  @Override
  default void close() {}
}
