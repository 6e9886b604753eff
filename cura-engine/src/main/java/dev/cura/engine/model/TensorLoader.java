package dev.cura.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.cura.engine.nn.Nd;
import dev.cura.engine.nn.TorchOps;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
   * <p>Conversions happen in libtorch, never by widening in Java: BF16 bytes go in as uint8 and
   * become bfloat16 bit-exactly in {@link TorchOps#bf16FromBytes} (DJL 0.36 cannot name bfloat16:
   * asking for it aborts the JVM, see {@link TorchOps}), other types go in as stored, and the cast
   * to the target is {@link Nd#cast}.
   */
  public static NDArray load(NDManager m, WeightSource.Tensor t, DataType target) {
    DataType stored = dataType(t.dtype());
    MemorySegment src = MemorySegment.ofBuffer(t.data());
    Shape shape = new Shape(t.shape());
    boolean bf16 = stored == DataType.BFLOAT16;
    NDArray raw =
        Nd.owned(m, src, bf16 ? new Shape(src.byteSize()) : shape, bf16 ? DataType.UINT8 : stored);
    if (bf16) {
      try (NDArray bytes = raw;
          NDArray flat = TorchOps.get().bf16FromBytes(bytes)) {
        raw = flat.reshape(shape); // a view: closing flat frees only its handle
      }
    }
    if (target == null || target == stored) {
      return raw;
    }
    try (NDArray from = raw) {
      NDArray out = Nd.cast(m, from, target);
      // a cast of a 0-element or same-typed tensor could return the input itself
      return out == from ? from.duplicate() : out;
    }
  }

  /**
   * Loads a named tensor and checks its shape. The bytes are read with {@link WeightSource#copyTo}
   * into a confined staging arena (no file mapping kept resident), copied into libtorch-owned
   * memory and converted there, and the staging is freed.
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
