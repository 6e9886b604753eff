package dev.cura.tools.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.nn.LoraParams;
import dev.cura.engine.nn.Nd;
import dev.cura.engine.optim.AdamW32;
import dev.cura.engine.optim.AdamWConfig;
import dev.cura.engine.optim.GradClip;
import dev.cura.engine.optim.HeapStates;
import dev.cura.engine.optim.Optimizer;
import dev.cura.engine.train.Batch;
import dev.cura.engine.train.CausalLmLoss;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Full-parameter causal-LM pretraining of the engine's {@link LlamaModel} ({@link TrainableLlama}):
 * per step, in a sub-manager, B random windows of T tokens → the model's forward recorded by
 * autograd → mean next-token cross-entropy over all B·(T−1) predictions → backward → global-norm
 * clipping ({@link GradClip}) → AdamW ({@link AdamW32}; β = 0.9/0.95, the usual LM-pretraining
 * betas; weight decay on matrices only) → zeroed gradients. Held-out loss on fixed windows every
 * {@code evalEvery} steps and at the end.
 */
public final class Pretrainer {
  static final AdamWConfig BETAS = new AdamWConfig(0.9, 0.95, 1e-8, 0.0);

  private Pretrainer() {}

  /** One optimizer step as reported to listeners and in the metrics. */
  public record StepStats(
      long step,
      double loss,
      double lr,
      double gradNorm,
      double tokensPerSecond,
      long tokensSeen,
      double elapsedSeconds) {}

  /**
   * A held-out evaluation: {@code loss} over {@code tokens} next-token predictions of the held-out
   * text, and {@code copyLoss} on the copy probe ({@link PackedCorpus#copyProbe}; null in states
   * written before it existed).
   */
  public record EvalPoint(long step, double loss, long tokens, Double copyLoss) {}

  /** Span of the copy probe: about a handle and its punctuation, in tokens. */
  static final int PROBE_SPAN = 8;

  /** What a run did. */
  public record Result(
      List<StepStats> steps,
      List<EvalPoint> evals,
      long tokensSeen,
      double seconds,
      boolean stoppedEarly) {}

  /** Callbacks; {@link #checkpoint} is where the caller writes the model out. */
  public interface Listener {
    default void onStep(StepStats stats) {}

    default void onEval(EvalPoint eval) {}

    /** At every {@code saveEvery} step and at the end, with the result so far. */
    default void checkpoint(long step, TrainableLlama model, Result soFar) {}
  }

  /** Trains {@code model} in place from its current weights (a fresh run). */
  public static Result run(
      TrainableLlama model,
      PackedCorpus corpus,
      PretrainSettings s,
      Listener listener,
      NDManager parent) {
    return run(model, corpus, s, listener, parent, null, null);
  }

  /**
   * Trains {@code model} in place. With a {@code stateDir}, the full training state ({@link
   * PretrainState}) is written there at every checkpoint; with {@code resume} (read from such a
   * directory) the run continues after the step it stopped at — same weights, optimizer moments,
   * windows and learning rates as an uninterrupted run — and the result covers the whole run.
   */
  public static Result run(
      TrainableLlama model,
      PackedCorpus corpus,
      PretrainSettings s,
      Listener listener,
      NDManager parent,
      Path stateDir,
      PretrainState resume) {
    List<LoraParams.Param> matrices = new ArrayList<>();
    List<LoraParams.Param> vectors = new ArrayList<>(); // norm weights: no weight decay
    for (LoraParams.Param p : model.params()) {
      (p.value().getShape().dimension() == 2 ? matrices : vectors).add(p);
    }
    SplittableRandom rng = new SplittableRandom(s.seed() ^ 0x5DEECE66DL);
    long[] heldOut = corpus.heldOutWindows(s.seqLen(), s.evalWindows());
    Batch probe =
        heldOut.length > 0 && s.seqLen() >= 2 * PROBE_SPAN
            ? corpus.copyProbe(s.seqLen(), s.evalWindows(), PROBE_SPAN)
            : null;
    List<StepStats> steps = new ArrayList<>();
    List<EvalPoint> evals = new ArrayList<>();
    long started = System.nanoTime();
    long tokens = 0;
    double before = 0; // seconds of the run before a resume
    boolean stoppedEarly = false;
    long step = 0;
    try (Optimizer decayed = new AdamW32(BETAS.withWeightDecay(s.weightDecay()), new HeapStates());
        Optimizer plain = new AdamW32(BETAS, new HeapStates())) {
      PretrainState.Training training =
          new PretrainState.Training(model, decayed, matrices, plain, vectors);
      if (resume != null) {
        restore(resume, training);
        for (long i = 0; i < resume.step(); i++) {
          corpus.sample(
              s.batch(), s.seqLen(), s.copyFraction(), rng); // the windows already trained on
        }
        step = resume.step();
        tokens = resume.tokens();
        before = resume.seconds();
        steps.addAll(resume.steps());
        evals.addAll(resume.evals());
      }
      while (step < s.lastStep()) {
        step++;
        long t0 = System.nanoTime();
        long[] ids = corpus.sample(s.batch(), s.seqLen(), s.copyFraction(), rng);
        double loss = trainStep(model.model(), ids, s.batch(), s.seqLen(), parent);
        double lr = s.lrAt(step);
        double gnorm = GradClip.globalNorm(model.params());
        float scale = GradClip.scale(gnorm, s.clip());
        decayed.step(matrices, lr, scale);
        plain.step(vectors, lr, scale);
        model.params().forEach(p -> Nd.zeroGrad(p.value()));
        tokens += (long) s.batch() * s.seqLen();
        double dt = (System.nanoTime() - t0) / 1e9;
        double elapsed = (System.nanoTime() - started) / 1e9; // this session: the time budget
        StepStats stats =
            new StepStats(
                step, loss, lr, gnorm, s.batch() * s.seqLen() / dt, tokens, before + elapsed);
        steps.add(stats);
        listener.onStep(stats);
        boolean timeUp = s.maxMinutes() > 0 && elapsed >= s.maxMinutes() * 60;
        boolean last = step == s.lastStep() || timeUp;
        if ((step % s.evalEvery() == 0 || last) && heldOut.length > 0) {
          EvalPoint e =
              new EvalPoint(
                  step,
                  evaluate(model.model(), heldOut, s.batch(), s.seqLen(), parent),
                  heldOut.length / s.seqLen() * (long) (s.seqLen() - 1),
                  probe == null ? null : evaluate(model.model(), probe, s.batch(), parent));
          evals.add(e);
          listener.onEval(e);
        }
        stoppedEarly = step < s.steps();
        if (last || (s.saveEvery() > 0 && step % s.saveEvery() == 0)) {
          Result soFar = result(steps, evals, tokens, started, before, stoppedEarly);
          if (stateDir != null) {
            save(stateDir, training, s, step, tokens, soFar, steps, evals);
          }
          listener.checkpoint(step, model, soFar);
        }
        if (last) {
          break;
        }
      }
    }
    return result(steps, evals, tokens, started, before, stoppedEarly);
  }

  private static void restore(PretrainState state, PretrainState.Training training) {
    try {
      state.restore(training);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void save(
      Path dir,
      PretrainState.Training training,
      PretrainSettings s,
      long step,
      long tokens,
      Result soFar,
      List<StepStats> steps,
      List<EvalPoint> evals) {
    try {
      PretrainState.save(dir, training, s, step, tokens, soFar.seconds(), steps, evals);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Result result(
      List<StepStats> steps,
      List<EvalPoint> evals,
      long tokens,
      long started,
      double before,
      boolean early) {
    return new Result(
        List.copyOf(steps),
        List.copyOf(evals),
        tokens,
        before + (System.nanoTime() - started) / 1e9,
        early);
  }

  /** Forward + backward of one batch of windows ids [B, T]; returns the mean loss. */
  static double trainStep(LlamaModel model, long[] ids, int b, int t, NDManager parent) {
    Batch batch = new Batch(ids, ids, b, t);
    boolean was = Nd.gradMode(true);
    try (NDManager m = parent.newSubManager()) {
      NDArray logits = model.forward(Nd.longs(m, ids, new Shape(b, t)), m, false);
      NDArray loss = CausalLmLoss.compute(logits, batch, batch.targetTokens(), m);
      double value = loss.toType(DataType.FLOAT64, false).getDouble();
      Nd.backward(loss, m.ones(loss.getShape()));
      return value;
    } finally {
      Nd.gradMode(was);
    }
  }

  /** Mean next-token loss over windows [N, T] (row-major), in micro-batches of B, no autograd. */
  public static double evaluate(LlamaModel model, long[] windows, int b, int t, NDManager parent) {
    return evaluate(model, new Batch(windows, windows, windows.length / t, t), b, parent);
  }

  /** Mean next-token loss over the labelled tokens of {@code all}, in micro-batches of B. */
  static double evaluate(LlamaModel model, Batch all, int b, NDManager parent) {
    int n = all.batch();
    int t = all.length();
    double nll = 0;
    long count = 0;
    for (int i = 0; i < n; i += b) {
      int rows = Math.min(b, n - i);
      long[] ids = Arrays.copyOfRange(all.ids(), i * t, (i + rows) * t);
      Batch batch =
          new Batch(ids, Arrays.copyOfRange(all.labels(), i * t, (i + rows) * t), rows, t);
      if (batch.targetTokens() == 0) {
        continue;
      }
      try (NDManager m = parent.newSubManager()) {
        NDArray logits = model.logits(Nd.longs(m, ids, new Shape(rows, t)), m);
        nll +=
            CausalLmLoss.compute(logits, batch, 1.0, m).toType(DataType.FLOAT64, false).getDouble();
        count += batch.targetTokens();
      }
    }
    return nll / count;
  }
}
