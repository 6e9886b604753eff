package dev.cura.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.cura.core.tensor.DType;
import dev.cura.core.tensor.FloatConvert;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Turns stored tensors into NDArrays of a requested dtype. */
public final class TensorLoader {
  private TensorLoader() {}

  /** The DJL dtype for a safetensors dtype name. */
  public static DataType dataType(String dtype) {
    return switch (dtype) {
      case "F32" -> DataType.FLOAT32;
      case "F16" -> DataType.FLOAT16;
      case "BF16" -> DataType.BFLOAT16;
      case "F64" -> DataType.FLOAT64;
      case "U8" -> DataType.UINT8;
      case "I8" -> DataType.INT8;
      case "I32" -> DataType.INT32;
      case "I64" -> DataType.INT64;
      default -> throw new IllegalArgumentException("unsupported tensor dtype " + dtype);
    };
  }

  /**
   * Creates the stored tensor in {@code m}, converted to {@code target} (null keeps it). The result
   * owns its memory: DJL's PyTorch engine wraps a direct buffer without copying, so we stage the
   * bytes in a confined arena, wrap, copy, and free the staging.
   *
   * <p>BF16/F16 are widened to float32 in Java with cura-core's exact conversion: DJL 0.36's
   * PyTorch engine aborts the JVM on a BFLOAT16 {@code toType} (found here; FLOAT16 works).
   */
  public static NDArray load(NDManager m, WeightSource.Tensor t, DataType target) {
    DataType stored = dataType(t.dtype());
    boolean widen = stored == DataType.BFLOAT16 || stored == DataType.FLOAT16;
    if (widen && target == null) {
      target = DataType.FLOAT32;
    }
    MemorySegment src = MemorySegment.ofBuffer(t.data());
    long numel = 1;
    for (long d : t.shape()) {
      numel *= d;
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment staging;
      DataType stagedType;
      if (widen) {
        staging = arena.allocate(numel * 4, 64);
        DType dt = DType.fromSafetensors(t.dtype());
        float[] chunk = new float[(int) Math.min(numel, 1 << 20)];
        for (long i = 0; i < numel; i += chunk.length) {
          int n = (int) Math.min(chunk.length, numel - i);
          FloatConvert.toFloats(dt, src, i * dt.byteSize(), chunk, 0, n);
          MemorySegment.copy(chunk, 0, staging, FloatConvert.F32_LE, i * 4, n);
        }
        stagedType = DataType.FLOAT32;
      } else {
        staging = arena.allocate(Math.max(1, src.byteSize()), 64);
        MemorySegment.copy(src, 0, staging, 0, src.byteSize());
        stagedType = stored;
      }
      ByteBuffer buf =
          staging
              .asSlice(0, numel * stagedType.getNumOfBytes())
              .asByteBuffer()
              .order(ByteOrder.nativeOrder());
      NDArray view = m.create(buf, new Shape(t.shape()), stagedType);
      NDArray owned =
          target == null || target == stagedType ? view.duplicate() : view.toType(target, true);
      view.close();
      return owned;
    }
  }

  /**
   * Loads a named tensor and checks its shape. The bytes are read with {@link WeightSource#copyTo}
   * into a confined staging arena (no file mapping kept resident), widened to float32 in Java for
   * BF16/F16, copied into libtorch-owned memory, and the staging is freed.
   */
  public static NDArray load(
      NDManager m, WeightSource src, String name, DataType target, long... expectedShape) {
    WeightSource.Tensor t = src.read(name);
    if (expectedShape.length > 0 && !java.util.Arrays.equals(t.shape(), expectedShape)) {
      throw new IllegalArgumentException(
          name
              + ": expected shape "
              + java.util.Arrays.toString(expectedShape)
              + ", got "
              + java.util.Arrays.toString(t.shape()));
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment raw = arena.allocate(Math.max(1, t.data().remaining()), 64);
      src.copyTo(name, raw.asSlice(0, t.data().remaining()));
      WeightSource.Tensor staged =
          new WeightSource.Tensor(
              t.dtype(),
              t.shape(),
              raw.asSlice(0, t.data().remaining()).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN));
      return load(m, staged, target);
    }
  }
}
