package dev.cura.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/** In-memory NF4 + double quantization of a dense weight with cura-core's codec. */
public final class Nf4Quantizer {
  private Nf4Quantizer() {}

  /** Quantizes W [out, in] (float32) into packed NF4 with DQ, blocksize 64. */
  public static Nf4Weight quantize(NDManager m, NDArray dense, DataType compute) {
    throw new UnsupportedOperationException(
        "--quant nf4 on an unquantized checkpoint needs cura-core's NF4 codec (not available yet)");
  }
}
