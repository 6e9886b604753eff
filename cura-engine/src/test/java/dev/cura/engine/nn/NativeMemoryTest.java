package dev.cura.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

  @Test
  void theTrimmerTrimsOnlyWhenTheResidentSetGrowsPastItsCeiling() {
    long[] rss = {0};
    int[] trims = {0};
    long gib = 1L << 30;
    // a trim gives back what is above the live set; the live set is what the test says
    long[] live = {0};
    NativeMemory.Trimmer t =
        new NativeMemory.Trimmer(
            () -> rss[0],
            () -> {
              trims[0]++;
              rss[0] = live[0];
              return true;
            });
    rss[0] = 2 * gib;
    live[0] = gib;
    assertTrue(t.boundary(), "the first boundary trims what loading left");
    assertEquals(gib, rss[0]);
    // ceiling: 1 GiB + 10% = 1.1 GiB. The steady state stays under it: no trim, no page faults
    for (int layer = 0; layer < 10; layer++) {
      rss[0] = gib + 50 * MB;
      assertFalse(t.boundary(), "steady state at layer " + layer);
    }
    // fragmentation creeps up 30 MB a layer: trimmed each time it passes the ceiling
    int before = trims[0];
    for (int layer = 0; layer < 10; layer++) {
      rss[0] += 30 * MB;
      t.boundary();
      assertTrue(rss[0] <= gib + gib / 10 + 30 * MB, "bounded at layer " + layer + ": " + rss[0]);
    }
    // 1.05 GiB + 30 MB a layer against a 1.1 GiB ceiling: over it at layers 1, 5 and 9
    assertEquals(before + 3, trims[0], "three trims in ten layers, not ten");
    // the working set itself grows (a longer batch): the ceiling follows instead of trimming on
    live[0] = 3 * gib;
    rss[0] = 3 * gib;
    assertTrue(t.boundary());
    rss[0] = 3 * gib + 100 * MB;
    assertFalse(t.boundary(), "raised ceiling: 3 GiB + 128 MiB (10%, capped)");
    rss[0] = 3 * gib + 130 * MB;
    assertTrue(t.boundary(), "the slack is capped at 128 MiB");
    assertEquals(t.trims(), trims[0]);
    // with no /proc (rss unknown) it trims at every boundary, as before
    NativeMemory.Trimmer blind = new NativeMemory.Trimmer(() -> -1, () -> true);
    assertTrue(blind.boundary());
    assertTrue(blind.boundary());
  }
}
