package dev.cura.engine.nn;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

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
 * layer of the backward, and {@code malloc_trim(0)} after a 6-layer step gave back 0.55 GiB. The
 * checkpointed step calls {@link #releaseFreed} at its layer boundaries, where the previous layer's
 * graph has just been freed; a trim walks the free lists and costs milliseconds against seconds per
 * layer.
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
}
