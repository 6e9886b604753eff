package dev.cura.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.cura.core.quant.Dequant4bit;
import dev.cura.core.quant.DoubleQuant;
import dev.cura.core.quant.QuantState;
import java.util.function.Supplier;

/**
 * A frozen linear weight W [out, in] kept as bitsandbytes 4-bit codes with double-quantized block
 * constants (QLORA-SPEC §2–§4), dequantized on demand into a temporary:
 *
 * <pre>
 * absmax[b] = code8[qabsmax[b]] · nested_absmax[b / 256] + offset        (float32; DQ)
 * w[i]      = code4[q[i]] · absmax[i / blocksize]                         (float32)
 * q[2j] = packed[j] &gt;&gt; 4,  q[2j+1] = packed[j] &amp; 0xF                         (high nibble first)
 * </pre>
 *
 * The nibble pair is decoded with one gather from a 256-entry table of (code4[hi], code4[lo]) pairs
 * built from the stored quant_map, so FP4 maps work too. Without DQ, absmax is float32 and used
 * directly. The product is formed in float32 and rounded once into the compute dtype, as
 * bitsandbytes' dequantize kernel does for {@code bnb_4bit_compute_dtype}. Nothing here keeps a
 * dequantized copy of the model: {@link #apply} writes W into its slot of the model's {@link
 * WeightBuffers} (one layer's worth, reused by every layer), and autograd keeps it only as long as
 * that layer's graph lives.
 */
public final class Nf4Weight implements FrozenWeight {
  private final int out;
  private final int in;
  private final int blocksize;
  private final NDArray packed; // [(n+1)/2] uint8
  private final NDArray absmax; // [nb] uint8 (DQ) or float32
  private final NDArray nestedAbsmax; // [ceil(nb/256)] float32, null without DQ
  private final NDArray nestedCode; // [256] float32, null without DQ
  private final float offset;
  private final int nestedBlocksize;
  private final NDArray pairTable; // [256, 2] float32: (code4[b >> 4], code4[b & 15])
  private final NDArray offsetScalar; // [] float32, null without DQ
  private final DataType computeDtype;
  private final float[] code4;
  // views of the CPU tensors for Dequant4bit; both null where it does not apply (another device, a
  // block size not a multiple of 32, non-float32 absmax without DQ)
  private final java.lang.foreign.MemorySegment cpuPacked;
  private final Dequant4bit.Scales cpuScales;
  private WeightBuffers buffers;
  private String slot;
  private static final java.util.concurrent.atomic.AtomicLong dequantCount =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * @param packed codes, uint8 [(n+1)/2] (any shape; flattened)
   * @param code4 the 16-entry 4-bit map (quant_map)
   * @param absmax uint8 [nb] with DQ, float32 [nb] without
   * @param nestedAbsmax float32 [ceil(nb/nestedBlocksize)] or null
   * @param nestedCode float32 [256] or null
   */
  public Nf4Weight(
      NDManager m,
      int out,
      int in,
      int blocksize,
      NDArray packed,
      float[] code4,
      NDArray absmax,
      NDArray nestedAbsmax,
      NDArray nestedCode,
      float offset,
      int nestedBlocksize,
      DataType computeDtype) {
    long n = (long) out * in;
    long nb = (n + blocksize - 1) / blocksize;
    if (packed.getShape().size() != (n + 1) / 2) {
      throw new IllegalArgumentException(
          "packed 4-bit weight for ["
              + out
              + ", "
              + in
              + "] must hold "
              + (n + 1) / 2
              + " bytes, got "
              + packed.getShape().size());
    }
    if (absmax.getShape().size() != nb) {
      throw new IllegalArgumentException(
          "absmax must hold " + nb + " blocks, got " + absmax.getShape().size());
    }
    if (code4.length != 16) {
      throw new IllegalArgumentException("quant_map must hold 16 values, got " + code4.length);
    }
    boolean dq = absmax.getDataType() == DataType.UINT8;
    if (dq && (nestedAbsmax == null || nestedCode == null)) {
      throw new IllegalArgumentException("uint8 absmax needs nested_absmax and nested_quant_map");
    }
    if (dq && nestedBlocksize != DoubleQuant.NESTED_BLOCKSIZE) {
      throw new IllegalArgumentException(
          "nested blocksize must be " + DoubleQuant.NESTED_BLOCKSIZE + ", got " + nestedBlocksize);
    }
    this.out = out;
    this.in = in;
    this.blocksize = blocksize;
    this.packed = packed.reshape(packed.getShape().size());
    this.absmax = absmax;
    this.nestedAbsmax = nestedAbsmax;
    this.nestedCode = nestedCode;
    this.offset = offset;
    this.nestedBlocksize = nestedBlocksize;
    this.computeDtype = computeDtype;
    this.code4 = code4.clone();
    if (!packed.getDevice().equals(ai.djl.Device.cpu()) || blocksize % 32 != 0) {
      this.cpuScales = null;
    } else if (dq) {
      this.cpuScales =
          Dequant4bit.Scales.nested(
              Nd.storage(absmax),
              nestedCode.toFloatArray(),
              nestedAbsmax.toFloatArray(),
              offset,
              nestedBlocksize);
    } else {
      this.cpuScales =
          Nd.dtype(absmax) == DataType.FLOAT32
              ? Dequant4bit.Scales.plain(Nd.storage(absmax))
              : null;
    }
    this.cpuPacked = cpuScales == null ? null : Nd.storage(this.packed);
    this.offsetScalar =
        dq
            ? Nd.floats(m, new float[] {offset}, new Shape()).toDevice(packed.getDevice(), false)
            : null;
    float[] pairs = new float[512];
    for (int b = 0; b < 256; b++) {
      pairs[2 * b] = code4[b >> 4];
      pairs[2 * b + 1] = code4[b & 15];
    }
    this.pairTable = Nd.floats(m, pairs, new Shape(256, 2)).toDevice(packed.getDevice(), false);
  }

  /** A weight from cura-core's state and the packed codes (uint8, any shape). */
  public static Nf4Weight of(NDManager m, QuantState s, NDArray packed, DataType compute) {
    long[] shape = s.shape();
    if (shape.length != 2) {
      throw new IllegalArgumentException(
          "a 4-bit linear weight must be 2-D, got shape " + java.util.Arrays.toString(shape));
    }
    NDArray absmax;
    NDArray nestedAbsmax = null;
    NDArray nestedCode = null;
    if (s.nested()) {
      absmax = Nd.uint8(m, s.qabsmax());
      nestedAbsmax = Nd.floats(m, s.nestedAbsmax(), new Shape(s.nestedAbsmax().length));
      nestedCode = Nd.floats(m, s.nestedCode(), new Shape(s.nestedCode().length));
    } else {
      absmax = Nd.floats(m, s.absmax(), new Shape(s.absmax().length));
    }
    return new Nf4Weight(
        m,
        (int) shape[0],
        (int) shape[1],
        s.blocksize(),
        packed,
        s.code(),
        absmax,
        nestedAbsmax,
        nestedCode,
        s.offset(),
        DoubleQuant.NESTED_BLOCKSIZE,
        compute);
  }

  @Override
  public int outFeatures() {
    return out;
  }

  @Override
  public int inFeatures() {
    return in;
  }

  public int blocksize() {
    return blocksize;
  }

  /**
   * Lets {@link #apply} dequantize into {@code buffers}' weight for {@code slot} (one per linear of
   * a layer, reused by every layer) instead of a fresh tensor per call.
   */
  @Override
  public void shareBuffers(WeightBuffers buffers, String slot) {
    this.buffers = buffers;
    this.slot = slot;
  }

  /** Block constants absmax [nb] float32 (dequantized from DQ if nested), in {@code m}. */
  public NDArray blockScales(NDManager m) {
    if (nestedAbsmax == null) {
      return Nd.own(m, absmax, absmax.toType(DataType.FLOAT32, true));
    }
    return Nd.own(m, TorchOps.get().dqAbsmax(absmax, nestedCode, nestedAbsmax, offsetScalar));
  }

  /** W [out, in] in the compute dtype as a new tensor in {@code m}. */
  @Override
  public NDArray dense(NDManager m) {
    if (!fastPathFits()) {
      return Nd.cast(m, denseReference(m), computeDtype);
    }
    NDArray w = Nd.empty(m, new Shape(out, in), computeDtype);
    try (NDManager t = m.newSubManager()) {
      long half = (long) out * in / 2;
      dequantInto(
          t,
          () -> t.create(new Shape(half), DataType.INT32),
          () -> t.create(new Shape(half, 2)),
          w);
    }
    return w;
  }

  /**
   * W [out, in] float32 by the readable route (one gather from the nibble-pair table, then the
   * block scale), as a new tensor in {@code m}; also handles odd sizes and tail blocks. The oracle
   * of {@link #dense}.
   */
  public NDArray denseReference(NDManager m) {
    long n = (long) out * in;
    long nb = absmax.getShape().size();
    NDArray idx = Nd.own(m, packed.toType(DataType.INT32, false)); // [(n+1)/2]
    NDArray values =
        pairTable.get(m, new ai.djl.ndarray.index.NDIndex("{}", idx)).reshape(-1); // [2·((n+1)/2)]
    idx.close();
    if (values.getShape().get(0) != n) {
      values = values.get("0:{}", n);
    }
    NDArray scales = blockScales(m); // [nb]
    NDArray w;
    if (n % blocksize == 0) {
      w = values.reshape(nb, blocksize).muli(scales.reshape(nb, 1));
    } else {
      NDArray perElement = scales.repeat(0, blocksize).get("0:{}", n);
      w = values.muli(perElement);
    }
    return w.reshape(out, in);
  }

  /** n is a whole number of blocks (hence even): the into-buffer kernel applies. */
  private boolean fastPathFits() {
    return ((long) out * in) % blocksize == 0 && blocksize % 2 == 0;
  }

  /**
   * Dequantizes into {@code w} ([out, in], contiguous). On the CPU into float32 or bf16 with
   * cura-core's vector kernel, straight into w's storage ({@link Dequant4bit}: one pass, 0.15 ns
   * per element on this machine's 2 threads, and no scratch); elsewhere (a GPU; fp16) with libtorch
   * ops through the scratch the suppliers give.
   */
  private void dequantInto(NDManager t, Supplier<NDArray> idx, Supplier<NDArray> vals, NDArray w) {
    Dequant4bit.Out type = kernelOutput(w);
    if (type != null) {
      Dequant4bit.dequantize(
          code4,
          blocksize,
          cpuPacked,
          cpuScales,
          Nd.storage(w),
          type,
          (long) out * in,
          Math.max(1, JniUtils.getNumThreads()));
      return;
    }
    NDArray scales = blockScales(t);
    TorchOps.get().dequantInto(packed, pairTable, scales, idx.get(), vals.get(), w);
  }

  /** The CPU kernel's output type for {@code w}, or null where the kernel does not apply. */
  private Dequant4bit.Out kernelOutput(NDArray w) {
    if (cpuScales == null || !w.getDevice().equals(ai.djl.Device.cpu())) {
      return null;
    }
    return switch (Nd.dtype(w)) {
      case FLOAT32 -> Dequant4bit.Out.FLOAT32;
      case BFLOAT16 -> Dequant4bit.Out.BFLOAT16;
      default -> null;
    };
  }

  /**
   * y = x·Wᵀ. With shared buffers W is dequantized into this linear's slot (allocated once; when
   * recording, autograd keeps it for the input gradient until the layer's backward, and libtorch's
   * version counter would refuse a backward that read an overwritten slot). Without, W is a
   * temporary of a manager closed right after the product.
   */
  @Override
  public NDArray apply(NDArray x, NDManager m) {
    return withDequantized(m, w -> x.matMul(Nd.own(m, w.transpose())));
  }

  /** g·W, W dequantized as {@link #apply} does (into this linear's slot where it has one). */
  @Override
  public NDArray applyTransposed(NDArray g, NDManager m) {
    return withDequantized(m, g::matMul);
  }

  /**
   * {@code product} of W [out, in] in the compute dtype, its result attached to {@code m}: W in
   * this linear's slot of the shared buffers, else a temporary freed right after the product.
   */
  private NDArray withDequantized(NDManager m, java.util.function.UnaryOperator<NDArray> product) {
    dequantCount.incrementAndGet();
    if (buffers != null && fastPathFits()) {
      long half = (long) out * in / 2;
      NDArray w = buffers.weight(slot, new Shape(out, in), computeDtype);
      try (NDManager t = m.newSubManager()) {
        dequantInto(t, () -> buffers.indexScratch(half), () -> buffers.valueScratch(half), w);
      }
      return Nd.own(m, product.apply(w));
    }
    try (NDManager t = m.newSubManager()) {
      NDArray w = dense(t); // [out, in]
      return Nd.own(m, product.apply(w));
    }
  }

  /** Dequantizations done by {@link #apply} in this process (tests count them per step). */
  public static long dequantCount() {
    return dequantCount.get();
  }

  @Override
  public long residentBytes() {
    long b =
        packed.getShape().size() + absmax.getShape().size() * absmax.getDataType().getNumOfBytes();
    if (nestedAbsmax != null) {
      b += nestedAbsmax.getShape().size() * 4 + 256 * 4;
    }
    return b;
  }

  @Override
  public void close() {
    packed.close();
    absmax.close();
    if (nestedAbsmax != null) {
      nestedAbsmax.close();
      nestedCode.close();
      offsetScalar.close();
    }
    pairTable.close();
  }
}
