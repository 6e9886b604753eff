package dev.cura.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Small helpers around DJL's PyTorch NDArrays.
 *
 * <p>DJL attaches the result of {@code a.op(b)} to {@code a}'s manager. Model weights live in the
 * model's long-lived manager, so an op whose receiver is a weight would leak its result into that
 * manager; {@link #own} moves such a result into the step's sub-manager.
 *
 * <p>Autograd: we call libtorch's backward directly ({@link #backward}) instead of DJL's {@code
 * GradientCollector}, because the collector (a) allows only one instance at a time, (b) only
 * back-propagates a ones-gradient, and (c) does not zero gradients on creation (its {@code
 * zeroGradients()} call is disabled upstream, DJL PR #2304) — gradients of leaves accumulate across
 * backward calls exactly as in PyTorch. We rely on that accumulation (gradient checkpointing and
 * gradient accumulation both add into {@code .grad}) and zero explicitly after each optimizer step.
 */
public final class Nd {
  private Nd() {}

  /** Moves {@code result} into {@code m} unless it is the same object as {@code source}. */
  public static NDArray own(NDManager m, NDArray source, NDArray result) {
    if (result != source) {
      result.attach(m);
    }
    return result;
  }

  /**
   * A view of {@code x} owned by {@code m} (differentiable, no copy). A layer adopts its input
   * first: otherwise every op whose receiver is the input would put its result into the input's
   * (longer lived) manager, and a step would keep every layer's temporaries until it ends.
   */
  public static NDArray adopt(NDManager m, NDArray x) {
    return own(m, x, x.reshape(x.getShape()));
  }

  /** Moves {@code result} into {@code m}. */
  public static NDArray own(NDManager m, NDArray result) {
    result.attach(m);
    return result;
  }

  /** A float32 array of {@code shape} holding {@code values}, owned by libtorch. */
  public static NDArray floats(NDManager m, float[] values, ai.djl.ndarray.types.Shape shape) {
    return owned(
        m,
        java.lang.foreign.MemorySegment.ofArray(values),
        shape,
        ai.djl.ndarray.types.DataType.FLOAT32);
  }

  /** An int64 array of {@code shape} holding {@code values}, owned by libtorch. */
  public static NDArray longs(NDManager m, long[] values, ai.djl.ndarray.types.Shape shape) {
    return owned(
        m,
        java.lang.foreign.MemorySegment.ofArray(values),
        shape,
        ai.djl.ndarray.types.DataType.INT64);
  }

  /**
   * x · s, with s as a libtorch-owned 0-d float64 tensor (the product keeps x's dtype, as with a
   * Python scalar). Use this instead of DJL's {@code mul(Number)} on anything autograd records: DJL
   * wraps the number in a Java direct buffer without copying and closes the wrapper after the op,
   * so the scalar that autograd saves for the backward points at memory that only the garbage
   * collector keeps — once collected and reused, gradients read garbage (the cause of the
   * non-reproducible resumes, see {@code GradientDeterminismTest}). The scalar lives on the CPU
   * whatever x's device: libtorch passes a CPU 0-d tensor to a CUDA kernel as an argument, so no
   * host-to-device copy happens per call.
   */
  public static NDArray mul(NDArray x, double s) {
    return withScalar(s, x::mul);
  }

  /** x + s with s a CPU 0-d tensor (see {@link #mul}). */
  public static NDArray add(NDArray x, double s) {
    return withScalar(s, x::add);
  }

  /** x ← x · s in place (no recording needed: parameters and optimizer states). */
  public static NDArray muli(NDArray x, double s) {
    return withScalar(s, x::muli);
  }

  /**
   * {@code op} applied to a 0-d float64 CPU tensor holding s, in libtorch memory (an op that saves
   * it for the backward holds its own reference). The first {@link #MAX_SCALARS} distinct values
   * are made once and shared — a model's scalars (norm epsilons, attention and LoRA scalings) are a
   * handful, and making one per op cost four JNI calls and a staging copy ~1,000 times a 100M step;
   * later values (per-step constants of a long run) are made for the call and closed after it.
   */
  static NDArray withScalar(double s, java.util.function.Function<NDArray, NDArray> op) {
    NDArray k = SCALARS.get(s);
    if (k == null && SCALARS.size() < MAX_SCALARS) {
      k = SCALARS.computeIfAbsent(s, Nd::newScalar);
    }
    if (k != null) {
      return op.apply(k);
    }
    try (NDArray t = newScalar(s)) {
      return op.apply(t);
    }
  }

  private static NDArray newScalar(double s) {
    return owned(
        cpuScalars(),
        java.lang.foreign.MemorySegment.ofArray(new double[] {s}),
        new ai.djl.ndarray.types.Shape(),
        ai.djl.ndarray.types.DataType.FLOAT64);
  }

  private static final int MAX_SCALARS = 1024;
  private static final java.util.Map<Double, NDArray> SCALARS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static volatile NDManager cpuScalars;

  private static NDManager cpuScalars() {
    NDManager m = cpuScalars;
    if (m == null) {
      synchronized (Nd.class) {
        if (cpuScalars == null) {
          cpuScalars = NDManager.newBaseManager(ai.djl.Device.cpu());
        }
        m = cpuScalars;
      }
    }
    return m;
  }

  /**
   * {@link #storage} where libtorch can give a direct view (a contiguous CPU tensor), else null.
   */
  public static java.lang.foreign.MemorySegment storageOrNull(NDArray x) {
    if (!x.getDevice().equals(ai.djl.Device.cpu())) {
      return null;
    }
    java.nio.ByteBuffer b = JniUtils.getByteBuffer((PtNDArray) x, true);
    long bytes = x.getShape().size() * dtype(x).getNumOfBytes();
    return b.isDirect() && b.capacity() == bytes
        ? java.lang.foreign.MemorySegment.ofBuffer(b)
        : null;
  }

  /**
   * The storage of a contiguous CPU tensor as a memory segment (no copy: writes through it change
   * the tensor). Valid only while the tensor lives; the caller keeps it alive.
   */
  public static java.lang.foreign.MemorySegment storage(NDArray x) {
    if (!x.getDevice().equals(ai.djl.Device.cpu())) {
      throw new IllegalArgumentException(
          "only a CPU tensor's storage can be viewed, got " + x.getDevice());
    }
    java.lang.foreign.MemorySegment s = storageOrNull(x);
    if (s == null) {
      throw new IllegalStateException(
          "libtorch gave no direct view of a " + x.getShape() + " " + dtype(x) + " tensor");
    }
    return s;
  }

  /** A uint8 array [n] holding {@code bytes}, owned by libtorch (see {@link #owned}). */
  public static NDArray uint8(NDManager m, byte[] bytes) {
    return owned(
        m,
        java.lang.foreign.MemorySegment.ofArray(bytes),
        new ai.djl.ndarray.types.Shape(bytes.length),
        ai.djl.ndarray.types.DataType.UINT8);
  }

  /**
   * An NDArray with a copy of {@code src}'s bytes whose memory libtorch owns. DJL's {@code
   * create(Buffer)} wraps a direct buffer without copying, and {@code create(byte[])} copies into a
   * fresh direct buffer that only the garbage collector frees — for the gigabytes of a large model
   * that garbage stays resident. Here the bytes go through a confined arena that is freed at once.
   */
  public static NDArray owned(
      NDManager m,
      java.lang.foreign.MemorySegment src,
      ai.djl.ndarray.types.Shape shape,
      ai.djl.ndarray.types.DataType type) {
    try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
      java.lang.foreign.MemorySegment staging = arena.allocate(Math.max(1, src.byteSize()), 64);
      java.lang.foreign.MemorySegment.copy(src, 0, staging, 0, src.byteSize());
      java.nio.ByteBuffer buf =
          staging.asSlice(0, src.byteSize()).asByteBuffer().order(java.nio.ByteOrder.nativeOrder());
      NDArray view = m.create(buf, shape, type);
      NDArray copy = view.duplicate();
      view.close();
      return copy;
    }
  }

  /**
   * Overwrites a float32 tensor in place with {@code values}, in libtorch-owned memory. DJL's
   * {@code set(Buffer)} instead re-points the tensor's storage at a Java direct buffer (the old
   * storage then lives only as long as whatever still views it); an in-place copy keeps one storage
   * for the parameter's whole life.
   */
  public static void assign(NDArray target, float[] values) {
    try (NDManager t = target.getManager().newSubManager()) {
      NDArray fresh =
          owned(
              t,
              java.lang.foreign.MemorySegment.ofArray(values),
              target.getShape(),
              ai.djl.ndarray.types.DataType.FLOAT32);
      target.set(new ai.djl.ndarray.index.NDIndex("..."), fresh);
    }
  }

  /**
   * x's dtype as CURA sees it. libtorch bfloat16 tensors come back from DJL 0.36 as {@code UNKNOWN}
   * (its JNI maps only float32 … complex64, see {@link TorchOps}); the engine creates no other type
   * DJL cannot name, so {@code UNKNOWN} is bfloat16 here.
   */
  public static DataType dtype(NDArray x) {
    DataType t = x.getDataType();
    return t == DataType.UNKNOWN ? DataType.BFLOAT16 : t;
  }

  /**
   * x converted to {@code type} in {@code m}; differentiable (autograd records the cast when grad
   * mode is on) and safe for bfloat16, unlike DJL's {@code toType}. Returns x itself when it
   * already has that dtype.
   */
  public static NDArray cast(NDManager m, NDArray x, DataType type) {
    if (dtype(x) == type) {
      return x;
    }
    return own(m, TorchOps.get().cast(x, type));
  }

  /** An uninitialized tensor of {@code shape} and {@code type} on m's device. */
  public static NDArray empty(NDManager m, Shape shape, DataType type) {
    if (type != DataType.BFLOAT16) {
      return m.create(shape, type);
    }
    try (NDManager t = m.newSubManager()) {
      NDArray like = cast(t, t.zeros(new Shape(1), DataType.FLOAT32), DataType.BFLOAT16);
      NDArray out = TorchOps.get().empty(m, shape, like);
      return out;
    }
  }

  /** Enables or disables autograd recording on this thread; returns the previous mode. */
  public static boolean gradMode(boolean on) {
    boolean was = JniUtils.isGradMode();
    JniUtils.setGradMode(on);
    return was;
  }

  /** Back-propagates {@code gradOut} (same shape as {@code out}) through out's graph. */
  public static void backward(NDArray out, NDArray gradOut) {
    JniUtils.backward((PtNDArray) out, (PtNDArray) gradOut, false, false);
  }

  /** Zeroes the gradient buffer of a leaf, if it has one. */
  public static void zeroGrad(NDArray leaf) {
    JniUtils.zeroGrad((PtNDArray) leaf);
  }
}
