package dev.cura.core.quantize;

/** Progress callbacks of {@link CheckpointQuantizer} (called on the quantizing thread). */
public interface QuantizeListener {
  /** Before the first tensor: the number of input weight bytes to process. */
  default void started(long totalBytes) {}

  /** After each chunk: cumulative input bytes processed and the tensor being processed. */
  default void progress(long bytesDone, String tensor) {}

  QuantizeListener NONE = new QuantizeListener() {};
}
