package dev.cura.engine.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.cura.engine.train.MemoryStats;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The allocator behaviour {@link NativeMemory} exists for, on this (glibc) machine: once a large
 * mapped block has been freed, 4 MB tensors come from malloc's heap, and freeing them below a live
 * allocation leaves their pages resident until {@link NativeMemory#releaseFreed}.
 */
class NativeMemoryTest {
  private static final long MB = 1L << 20;

  @Test
  void freedTensorsStayResidentUntilReleased() {
    assertTrue(NativeMemory.available(), "glibc's malloc_trim is reachable");
    try (NDManager m = NDManager.newBaseManager()) {
      // freeing a 24 MB mapped block raises glibc's dynamic mmap threshold to 24 MB
      m.zeros(new Shape(6 * MB), DataType.FLOAT32).close();
      List<NDArray> blocks = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        blocks.add(m.ones(new Shape(MB), DataType.FLOAT32)); // 4 MB each, pages touched
      }
      NDArray pin = m.ones(new Shape(1024), DataType.FLOAT32); // above them: the heap's top is live
      long live = MemoryStats.rssBytes();
      blocks.forEach(NDArray::close);
      long freed = MemoryStats.rssBytes();
      NativeMemory.releaseFreed();
      long released = MemoryStats.rssBytes();
      pin.close();
      // 128 MB were freed; at least half of it must have stayed resident until the release, and
      // the release must give at least half of it back
      assertTrue(live - freed < 64 * MB, "freed heap memory stays resident: " + (live - freed));
      assertTrue(freed - released > 64 * MB, "released " + (freed - released) + " bytes");
    }
  }
}
