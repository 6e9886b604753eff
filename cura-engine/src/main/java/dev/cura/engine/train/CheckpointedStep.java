package dev.cura.engine.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.cura.engine.model.DecoderLayer;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.nn.ComputeDevice;
import dev.cura.engine.nn.NativeMemory;
import dev.cura.engine.nn.Nd;
import java.util.ArrayList;
import java.util.List;

/**
 * Forward + backward of one micro-batch with gradient checkpointing per decoder layer.
 *
 * <p>Forward: layers 0 … L−2 run without autograd recording; only their inputs h_i [B, T, C] are
 * kept. The last layer runs recorded and keeps its graph: its backward comes right after the head,
 * so re-running it there would only repeat the same arithmetic. That saves one of the 2L layer
 * forwards that per-layer recompute runs (at the 100M bench shape, 8 layers: 7 of its 500 GEMMs a
 * step and the LoRA products with them; with NF4, one of the two dequantizations of each of the
 * last layer's weights). The head (final norm, lm_head, loss) runs recorded from h_L marked as
 * requiring a gradient, and its backward yields ∂loss/∂h_L. Backward: libtorch back-propagates
 * through the kept graph of layer L−1, then for i = L−2 … 0 layer i is re-run recorded from its
 * saved input (marked as requiring a gradient) and back-propagated ({@link
 * DecoderLayer#recomputeBackward}: the re-run stops short of the down projection's product, whose
 * value the backward never reads); each adds into the LoRA parameters' {@code .grad} and gives
 * ∂loss/∂h_i for the next layer down. A layer's graph — including the NF4 weights dequantized for
 * it — dies with the layer's sub-manager, so at most one layer's graph exists at a time, plus the
 * head's block while the last layer's graph waits for it.
 *
 * <p>Dropout masks come from libtorch's generator seeded with (seed, step, micro-batch, layer)
 * before both the forward and the recompute of a layer, so the recompute sees the same mask and a
 * resumed run draws the same masks as an uninterrupted one.
 */
public final class CheckpointedStep {
  private final LlamaModel model;
  private final NativeMemory.Trimmer trimmer = new NativeMemory.Trimmer(MemoryStats::rssBytes);

  public CheckpointedStep(LlamaModel model) {
    this.model = model;
  }

  /**
   * Accumulates the gradients of loss = Σ NLL / normalizer into the LoRA parameters and returns the
   * summed NLL of this micro-batch (not divided).
   */
  public double forwardBackward(
      Batch batch, double normalizer, long seed, long step, int micro, NDManager parent) {
    List<DecoderLayer> layers = model.layers();
    ComputeDevice device = model.device();
    boolean was = Nd.gradMode(false);
    try (NDManager m = parent.newSubManager()) {
      NDArray ids =
          device.upload(
              m, batch.ids(), new ai.djl.ndarray.types.Shape(batch.batch(), batch.length()));
      trimmer.boundary(); // what loading and the last step left in the allocator
      NDList rope = model.rope(batch.length(), m);
      NDArray mask = model.causalMask(batch.length(), m);
      List<NDArray> saved = new ArrayList<>(layers.size() + 1);
      NDArray h = model.embed(ids, m);
      int last = layers.size() - 1;
      // the last layer runs recorded and its graph lives in `kept` until its backward, which
      // follows the head at once: recomputing it would redo the same arithmetic on the same
      // input with the same dropout seed (closed in the backward loop, or with m)
      NDManager kept = m.newSubManager();
      NDArray keptOut = null;
      for (int i = 0; i < layers.size(); i++) {
        saved.add(h);
        seedDropout(seed, step, micro, i);
        if (i < last) {
          try (NDManager lm = m.newSubManager()) {
            NDArray out = layers.get(i).forward(h, rope.get(0), rope.get(1), mask, lm, true);
            out.attach(m);
            h = out;
          }
        } else {
          Nd.gradMode(true);
          if (i > 0) {
            h.setRequiresGradient(true);
          }
          keptOut = layers.get(i).forward(h, rope.get(0), rope.get(1), mask, kept, true);
          // the head starts from a leaf on the same storage: its backward stops there and leaves
          // ∂loss/∂h_L in that leaf's .grad for the kept graph's backward
          h = Nd.own(m, keptOut.stopGradient());
        }
        device.samplePeakMemory();
      }
      trimmer.boundary();
      // head: recorded from h_L
      Nd.gradMode(true);
      h.setRequiresGradient(true);
      double nll;
      NDArray grad;
      try (NDManager hm = m.newSubManager()) {
        int positions = Math.max(0, batch.length() - 1);
        int rows = headChunkRows(batch.batch(), positions, model.config().vocabSize(), device);
        CausalLmLoss.Targets targets = CausalLmLoss.targets(batch, normalizer, device, hm);
        NDArray total = null;
        for (int p0 = 0; p0 < positions || p0 == 0; p0 += rows) {
          int p1 = Math.min(positions, p0 + rows);
          // a block of positions at a time: its float32 logits [B, n, V] and their gradients exist
          // for one block only; the blocks' gradients add up in h's .grad
          try (NDManager cm = hm.newSubManager()) {
            NDArray hc = Nd.adopt(cm, h).get(new NDIndex(":, {}:{}, :", p0, p1));
            NDArray logits = model.head(hc, cm); // recorded: norm, lm_head (and softcap, cast)
            // the loss and its gradient by hand, written over the logits' own storage through a
            // detached handle (so nothing of it is recorded); autograd takes it from there
            // (nothing in the head saves its output, so the storage is free)
            NDArray gradient = Nd.own(cm, logits.stopGradient());
            NDArray value = CausalLmLoss.lossWithGradientInPlace(gradient, targets, p0, p1);
            Nd.backward(logits, gradient);
            device.samplePeakMemory();
            total = total == null ? value : total.add(value);
            total.attach(hm);
          }
          if (positions == 0) {
            break;
          }
        }
        nll = device.downloadScalar(total) * normalizer;
        try (NDArray g = h.getGradient()) {
          grad = g.duplicate();
        }
        grad.attach(m);
      }
      trimmer.boundary();
      for (int i = layers.size() - 1; i >= 0; i--) {
        NDArray x = saved.get(i);
        boolean needInputGrad = i > 0;
        try (NDManager lm = i == last ? kept : m.newSubManager()) {
          if (i == last) {
            Nd.backward(keptOut, grad);
          } else { // recompute, recorded (all but the down projection's product: see there)
            if (needInputGrad) {
              x.setRequiresGradient(true);
            }
            seedDropout(seed, step, micro, i);
            layers.get(i).recomputeBackward(x, rope.get(0), rope.get(1), mask, grad, lm, true);
          }
          device.samplePeakMemory();
          NDArray next = null;
          if (needInputGrad) {
            try (NDArray g = x.getGradient()) {
              next = g.duplicate();
            }
            next.attach(m);
          }
          // this layer's input, its .grad and the upstream gradient are done with
          grad.close();
          x.close();
          grad = next;
        }
        trimmer.boundary(); // the layer's graph just died: see NativeMemory.Trimmer
      }
      return nll;
    } finally {
      Nd.gradMode(was);
    }
  }

  /**
   * Positions per block of the loss head: about 2²⁴ logits (64 MiB in float32) per block on the
   * CPU, 2²⁵ on a GPU, so the [B, T, V] logits never exist whole (for Llama-3's 128K vocabulary at
   * 2048 tokens they would be 1 GiB per float32 copy). A block holds one float32 [B, rows, V]
   * buffer — the logits, overwritten by their gradient ({@link
   * CausalLmLoss#lossWithGradientInPlace}) — plus, below float32 compute, the lm_head's product and
   * the gradient cast back to its dtype. Not thinner: each block's two products stream the whole
   * [V, C] lm_head weight, and a thin block is bound by that stream. Measured on the 100M bench
   * shape (vocab 32000, 2 threads, 2026-12-06): 32-row blocks ran the head's [32, 768]·[768, 32000]
   * product at 61 GFLOP/s, 131 rows at 117, all 256 rows at 154–163. At Llama-3-8B's vocabulary a
   * CPU block is 130 rows.
   */
  public static int headChunkRows(int batch, int positions, int vocab, ComputeDevice device) {
    long budget = device.isGpu() ? 1L << 25 : 1L << 24;
    long rows = Math.max(1, budget / ((long) batch * vocab));
    return (int) Math.max(1, Math.min(Math.max(positions, 1), rows));
  }

  /** Seeds libtorch's generator for the dropout masks of one layer pass. */
  static void seedDropout(long seed, long step, int micro, int layer) {
    long h = seed * 0x9E3779B97F4A7C15L + step;
    h = h * 0xBF58476D1CE4E5B9L + micro;
    h = h * 0x94D049BB133111EBL + layer;
    h ^= h >>> 31;
    Engine.getInstance().setRandomSeed((int) (h & 0x7FFFFFFF));
  }
}
