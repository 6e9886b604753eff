package dev.cura.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.cura.core.quant.Quant4bit;
import dev.cura.core.tensor.DType;
import dev.cura.engine.model.LoadOptions;

/**
 * In-memory 4-bit quantization (NF4 or FP4, a block size, optional double quantization) of a dense
 * weight with cura-core's codec — the same codes and constants {@code ./cura quantize} and the
 * quantizer service write for the same settings.
 */
public final class Nf4Quantizer {
  private Nf4Quantizer() {}

  /** Quantizes W [out, in] (float32 NDArray). */
  public static Nf4Weight quantize(
      NDManager m, NDArray dense, LoadOptions.Quant quant, DataType compute) {
    long[] shape = dense.getShape().getShape();
    Quant4bit.Quantized q =
        Quant4bit.quantize(
            dense.toFloatArray(),
            shape,
            DType.F32,
            quant.type(),
            quant.blocksize(),
            quant.doubleQuant());
    NDArray packed = Nd.uint8(m, q.packed());
    return Nf4Weight.of(m, q.state(), packed, compute);
  }
}
