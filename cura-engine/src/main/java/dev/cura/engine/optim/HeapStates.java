package dev.cura.engine.optim;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/** Unpaged states: one byte array per parameter on the Java heap. */
public final class HeapStates implements StateStore {
  private final Map<String, MemorySegment> slots = new HashMap<>();
  private long bytes;

  @Override
  public void ensure(String name, long size) {
    if (!slots.containsKey(name)) {
      slots.put(name, MemorySegment.ofArray(new byte[Math.toIntExact(size)]));
      bytes += size;
    }
  }

  @Override
  public void transfer(String name, long offset, MemorySegment memory, boolean toStore) {
    MemorySegment whole = slots.get(name);
    if (whole == null) {
      throw new IllegalStateException("no optimizer state for " + name);
    }
    MemorySegment slot = whole.asSlice(offset, memory.byteSize());
    (toStore ? slot : memory).copyFrom(toStore ? memory : slot);
  }

  @Override
  public long residentBytes() {
    return bytes;
  }

  @Override
  public long pagedBytes() {
    return 0;
  }
}
