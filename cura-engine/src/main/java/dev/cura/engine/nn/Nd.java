package dev.cura.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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

  /** Moves {@code result} into {@code m}. */
  public static NDArray own(NDManager m, NDArray result) {
    result.attach(m);
    return result;
  }

  /** A uint8 array of {@code bytes} in {@code m} (DJL creates int8 from byte[]; reinterpreted). */
  public static NDArray uint8(NDManager m, byte[] bytes) {
    NDArray i8 = m.create(bytes);
    NDArray u8 = i8.toType(ai.djl.ndarray.types.DataType.UINT8, false);
    i8.close();
    return u8;
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
