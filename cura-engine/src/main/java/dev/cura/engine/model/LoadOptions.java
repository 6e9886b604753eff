package dev.cura.engine.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.cura.core.quant.QuantType;
import dev.cura.events.JobSpec;
import dev.cura.events.QuantConfig;
import java.util.Locale;

/**
 * How to materialize a checkpoint.
 *
 * @param quant how unquantized decoder linears are stored in memory (pre-quantized artifacts stay
 *     as stored either way)
 * @param device where tensors live
 * @param computeDtype float32 on CPU, bf16 on a GPU (QLORA-SPEC §8)
 */
public record LoadOptions(Quant quant, Device device, DataType computeDtype) {
  /**
   * Base-weight storage of decoder linears: 4-bit with a block size and double quantization (the
   * bytes {@code ./cura quantize} and the quantizer write for the same settings), or dense.
   *
   * @param type NF4 or FP4; null keeps the weights dense
   * @param blocksize elements per absmax block
   * @param doubleQuant quantize the absmax constants too
   */
  public record Quant(QuantType type, int blocksize, boolean doubleQuant) {
    /** Dense weights. */
    public static final Quant NONE = new Quant(null, 0, false);

    /** QLoRA's storage: NF4, the default block size, double quantization. */
    public static final Quant NF4 =
        new Quant(QuantType.NF4, JobSpec.DEFAULT_BLOCKSIZE, JobSpec.DEFAULT_DOUBLE_QUANT);

    public Quant {
      if (type != null) {
        QuantType.checkBlocksize(blocksize);
      }
    }

    /** A job's quantization ({@code nf4|fp4|none}; absent block size = the default). */
    public static Quant of(QuantConfig q) {
      if ("none".equals(q.type())) {
        return NONE;
      }
      return new Quant(
          QuantType.parse(q.type()),
          q.blocksize() == null ? JobSpec.DEFAULT_BLOCKSIZE : q.blocksize(),
          q.doubleQuant());
    }

    /** {@code nf4|fp4|none} with the default block size and double quantization. */
    public static Quant parse(String s) {
      String v = s == null ? "" : s.toLowerCase(Locale.ROOT);
      if (!JobSpec.QUANT_TYPES.contains(v)) {
        throw new IllegalArgumentException(
            JobSpec.Field.QUANT_TYPE
                + " must be one of "
                + JobSpec.QUANT_TYPES
                + ", got '"
                + s
                + "'");
      }
      return of(new QuantConfig(v, JobSpec.DEFAULT_DOUBLE_QUANT, null));
    }

    public boolean dense() {
      return type == null;
    }

    /** {@code nf4}, {@code fp4} or {@code none}. */
    public String specName() {
      return type == null ? "none" : type.jsonName();
    }
  }

  /** CPU, float32, the given quantization. */
  public static LoadOptions cpu(Quant quant) {
    return new LoadOptions(quant, Device.cpu(), DataType.FLOAT32);
  }
}
