package dev.cura.engine.nn;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Hands memory that the C allocator holds free back to the kernel (glibc's {@code malloc_trim(0)}),
 * so the process's resident set follows the tensors that are alive.
 *
 * <p>Why: libtorch allocates CPU tensors with malloc. glibc serves a request from its heaps unless
 * it is above the mmap threshold, and that threshold is dynamic: every time a mapped block is freed
 * it rises to that block's size (up to 32 MiB). After the first large tensor (or loading staging
 * buffer) is freed, every activation up to 32 MiB — at Llama-3-8B shapes all of them: [256, 14336]
 * float32 is 14.7 MB — lives in the heaps, where freed memory stays resident and long-lived
 * allocations made in between (saved layer inputs, LoRA gradients) pin holes that the next layer's
 * tensors do not fit. Measured on the 8B shapes: the free-but-resident bytes grow by 30–70 MB per
 * layer of the backward, and {@code malloc_trim(0)} after a 6-layer step gave back 0.55 GiB.
 *
 * <p>But a trim is not free: it hands every free page back ({@code MADV_DONTNEED}), so the next
 * layer's tensors fault fresh zeroed pages in again. Trimming at every layer boundary cost the 100M
 * bench step 150,000 page faults and ~0.3 s of system time (1.56 s a step against 1.25 s with no
 * trim, 2026-12-06). So the checkpointed step trims through a {@link Trimmer}: only when the
 * resident set has grown past a ceiling, which bounds the growth without churning the steady state.
 *
 * <p>A no-op where the C library has no {@code malloc_trim} (not glibc).
 */
public final class NativeMemory {
  private static final MethodHandle TRIM = lookup();

  private NativeMemory() {}

  private static MethodHandle lookup() {
    try {
      Linker linker = Linker.nativeLinker();
      return linker
          .defaultLookup()
          .find("malloc_trim")
          .map(
              f ->
                  linker.downcallHandle(
                      f, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG)))
          .orElse(null);
    } catch (RuntimeException | LinkageError e) { // no native access, or no such symbol
      return null;
    }
  }

  /** Whether {@link #releaseFreed} can give memory back here (glibc). */
  public static boolean available() {
    return TRIM != null;
  }

  /** Returns the allocator's free pages to the kernel; true if any memory was released. */
  public static boolean releaseFreed() {
    if (TRIM == null) {
      return false;
    }
    try {
      return (int) TRIM.invokeExact(0L) != 0;
    } catch (Throwable e) {
      throw new IllegalStateException("malloc_trim failed", e);
    }
  }

  /**
   * Trims only when it pays: at each call (a layer boundary) the resident set is compared with a
   * ceiling, and only above it is the allocator's free memory handed back. The first call trims
   * (what loading left) and sets the ceiling to the resident set after it plus a slack of 10%,
   * between 64 and 128 MiB; a trim that cannot get below the ceiling (the live set itself grew: a
   * longer batch, the loss head) raises it to the new level plus the slack. So where a layer's
   * working set fits in the slack (the 100M bench: 1.05 s a step against 1.56 trimming at every
   * boundary, +42 MB peak RSS) the steady state trims about once a step; where it does not (Llama-3
   * 8B shapes on the CPU, whose 7.69 GiB peak had 0.31 GiB to spare under its 8 GiB target), it
   * trims at every boundary as before, and the peak grows by at most the 128 MiB cap.
   */
  public static final class Trimmer {
    static final long MIN_SLACK = 64L << 20;
    static final long MAX_SLACK = 128L << 20;

    private final LongSupplier rss;
    private final BooleanSupplier trim;
    private long ceiling = -1;
    private long trims;

    /** Trims glibc's allocator against {@code rss}, the process's resident bytes (−1: unknown). */
    public Trimmer(LongSupplier rss) {
      this(rss, NativeMemory::releaseFreed);
    }

    Trimmer(LongSupplier rss, BooleanSupplier trim) {
      this.rss = rss;
      this.trim = trim;
    }

    /** At a boundary where freed tensors may be held by the allocator; true if it trimmed. */
    public boolean boundary() {
      long now = rss.getAsLong(); // −1 without /proc: trim at every boundary, as before
      if (now >= 0 && ceiling >= 0 && now <= ceiling) {
        return false;
      }
      trim.getAsBoolean();
      trims++;
      long after = rss.getAsLong();
      if (after >= 0) {
        long raised = after + Math.min(MAX_SLACK, Math.max(MIN_SLACK, after / 10));
        ceiling = Math.max(ceiling, raised);
      }
      return true;
    }

    /** Trims done so far. */
    public long trims() {
      return trims;
    }
  }
}
