package dev.cura.core.quantize;

import dev.cura.core.quant.QuantType;
import dev.cura.core.tensor.DType;

/**
 * How to quantize a checkpoint.
 *
 * @param quantType NF4 (default) or FP4
 * @param blocksize first-level block size (32…4096, default 64)
 * @param doubleQuant double-quantize the absmax constants (default true)
 * @param computeDtype {@code bnb_4bit_compute_dtype} recorded in config.json (default bf16)
 * @param maxShardBytes output shard size limit (default 5 GB, transformers' default)
 */
public record QuantizeSettings(
    QuantType quantType,
    int blocksize,
    boolean doubleQuant,
    DType computeDtype,
    long maxShardBytes) {
  /** Bumped whenever the output bytes for the same input and settings could change. */
  public static final int FORMAT_VERSION = 1;

  public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;

  public QuantizeSettings {
    QuantType.checkBlocksize(blocksize);
    if (!computeDtype.isFloat16or32()) {
      throw new IllegalArgumentException(
          "compute dtype must be float32, float16 or bfloat16, got " + computeDtype.torchName());
    }
    if (maxShardBytes < 1 << 20) {
      throw new IllegalArgumentException("max shard size must be ≥ 1 MiB, got " + maxShardBytes);
    }
  }

  /** The QLoRA defaults: NF4, B = 64, double quantization, bf16 compute. */
  public static QuantizeSettings defaults() {
    return new QuantizeSettings(
        QuantType.NF4, QuantType.DEFAULT_BLOCKSIZE, true, DType.BF16, DEFAULT_MAX_SHARD_BYTES);
  }

  public QuantizeSettings withQuantType(QuantType t) {
    return new QuantizeSettings(t, blocksize, doubleQuant, computeDtype, maxShardBytes);
  }

  public QuantizeSettings withBlocksize(int b) {
    return new QuantizeSettings(quantType, b, doubleQuant, computeDtype, maxShardBytes);
  }

  public QuantizeSettings withDoubleQuant(boolean dq) {
    return new QuantizeSettings(quantType, blocksize, dq, computeDtype, maxShardBytes);
  }

  public QuantizeSettings withMaxShardBytes(long m) {
    return new QuantizeSettings(quantType, blocksize, doubleQuant, computeDtype, m);
  }

  /** Stable text of the settings that affect output bytes (part of the artifact key). */
  public String cacheKeyText() {
    return "quant_type="
        + quantType.jsonName()
        + ";blocksize="
        + blocksize
        + ";double_quant="
        + doubleQuant
        + ";compute_dtype="
        + computeDtype.torchName()
        + ";max_shard_bytes="
        + maxShardBytes
        + ";format_version="
        + FORMAT_VERSION;
  }
}
