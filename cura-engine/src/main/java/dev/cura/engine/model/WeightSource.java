package dev.cura.engine.model;

import java.nio.ByteBuffer;
import java.util.Set;

/**
 * Named tensors a model is built from: an HF checkpoint directory, a quantized artifact, or
 * in-memory tensors in tests. Names follow transformers ({@code
 * model.layers.0.self_attn.q_proj.weight}).
 */
public interface WeightSource extends AutoCloseable {

  /**
   * One stored tensor.
   *
   * @param dtype safetensors dtype name: F32, F16, BF16, U8, I64, …
   * @param shape dimensions
   * @param data little-endian bytes, position 0, exactly the tensor's bytes
   */
  record Tensor(String dtype, long[] shape, ByteBuffer data) {}

  Set<String> names();

  default boolean has(String name) {
    return names().contains(name);
  }

  /** Reads a tensor; throws IllegalArgumentException naming the tensor if it is missing. */
  Tensor read(String name);

  /**
   * Copies the bytes of {@code name} into {@code dst} (exactly the tensor's size). Sources backed
   * by files read through the channel so that loading never maps (and keeps resident) the whole
   * file next to the copy.
   */
  default void copyTo(String name, java.lang.foreign.MemorySegment dst) {
    java.lang.foreign.MemorySegment.copy(
        java.lang.foreign.MemorySegment.ofBuffer(read(name).data()), 0, dst, 0, dst.byteSize());
  }

  @Override
  default void close() {}
}
