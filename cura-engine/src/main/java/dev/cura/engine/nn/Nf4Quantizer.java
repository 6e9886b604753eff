package dev.cura.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.cura.core.quant.Quant4bit;
import dev.cura.core.quant.QuantType;
import dev.cura.core.tensor.DType;

/**
 * In-memory NF4 + double quantization (blocksize 64, QLoRA's setting) of a dense weight with
 * cura-core's codec — the same codes and constants {@code ./cura quantize} writes.
 */
public final class Nf4Quantizer {
  private Nf4Quantizer() {}

  /** Quantizes W [out, in] (float32 NDArray). */
  public static Nf4Weight quantize(NDManager m, NDArray dense, DataType compute) {
    long[] shape = dense.getShape().getShape();
    Quant4bit.Quantized q =
        Quant4bit.quantize(
            dense.toFloatArray(),
            shape,
            DType.F32,
            QuantType.NF4,
            QuantType.DEFAULT_BLOCKSIZE,
            true);
    NDArray packed = Nd.uint8(m, q.packed());
    return Nf4Weight.of(m, q.state(), packed, compute);
  }
}
