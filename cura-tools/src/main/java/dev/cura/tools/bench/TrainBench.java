package dev.cura.tools.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.nn.LoraConfig;
import dev.cura.engine.nn.LoraParams;
import dev.cura.engine.nn.Nd;
import dev.cura.engine.optim.AdamWConfig;
import dev.cura.engine.optim.Optimizer;
import dev.cura.engine.optim.OptimizerKind;
import dev.cura.engine.train.Batch;
import dev.cura.engine.train.CheckpointedStep;
import dev.cura.engine.train.MemoryStats;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Times full QLoRA training steps (checkpointed forward/backward over random tokens, all labels
 * counted, paged AdamW update) on a given model, and measures the machine's float32 matmul peak for
 * comparison.
 */
public final class TrainBench {
  private TrainBench() {}

  /**
   * Outcome.
   *
   * @param stepSeconds wall time of each timed step
   * @param tokensPerSecond B·T / median step time
   * @param gflops model FLOPs per step / median step time, in GFLOP/s
   * @param peakRssBytes process peak RSS after the steps
   * @param trainableParams LoRA parameters
   */
  public record Result(
      List<Double> stepSeconds,
      double tokensPerSecond,
      double gflops,
      long peakRssBytes,
      long trainableParams) {
    public double medianStep() {
      List<Double> s = new ArrayList<>(stepSeconds);
      s.sort(Double::compare);
      return s.get(s.size() / 2);
    }
  }

  /** Runs {@code warmup} untimed then {@code steps} timed steps. */
  public static Result run(
      LlamaModel model, int rank, int seqLen, int batch, int warmup, int steps, Path pageDir)
      throws IOException {
    LoraParams.attach(model, new LoraConfig(rank, 2 * rank, 0.0, LoraConfig.ALL_LINEARS, false), 1);
    List<LoraParams.Param> params = LoraParams.params(model);
    LlamaConfig cfg = model.config();
    SplittableRandom rng = new SplittableRandom(3);
    long[] ids = new long[batch * seqLen];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = rng.nextInt(cfg.vocabSize());
    }
    Batch b = new Batch(ids, ids.clone(), batch, seqLen);
    CheckpointedStep stepper = new CheckpointedStep(model);
    List<Double> times = new ArrayList<>();
    try (Optimizer opt =
            OptimizerKind.PAGED_ADAMW_32BIT.create(AdamWConfig.BNB_DEFAULTS, pageDir, 64L << 20);
        NDManager root = NDManager.newBaseManager()) {
      for (int s = 0; s < warmup + steps; s++) {
        long t0 = System.nanoTime();
        stepper.forwardBackward(b, b.targetTokens(), 1, s, 0, root);
        opt.step(params, 1e-4, 1f);
        params.forEach(p -> Nd.zeroGrad(p.value()));
        if (s >= warmup) {
          times.add((System.nanoTime() - t0) / 1e9);
        }
      }
    }
    Result tmp = new Result(times, 0, 0, 0, 0);
    double med = tmp.medianStep();
    return new Result(
        times,
        batch * seqLen / med,
        stepFlops(cfg, batch * seqLen, seqLen) / med / 1e9,
        MemoryStats.peakRssBytes(),
        LoraParams.count(model));
  }

  /**
   * FLOPs of one checkpointed QLoRA step: the decoder linears run three times (forward, recompute,
   * input-gradient backward) at 2·P·N each, the lm_head twice (forward, backward), attention (QKᵀ
   * and PV, 4·T·d per head per token) three times; LoRA and elementwise work are ignored.
   */
  public static double stepFlops(LlamaConfig c, long tokens, int seqLen) {
    double q = (double) c.heads() * c.headDim();
    double kv = (double) c.kvHeads() * c.headDim();
    double perLayer = c.hidden() * (2 * q + 2 * kv) + 3.0 * c.hidden() * c.intermediate();
    double linears = 2 * perLayer * c.layers() * tokens * 3;
    double head = 2.0 * c.hidden() * c.vocabSize() * tokens * 2;
    double attn = 4.0 * seqLen * c.headDim() * c.heads() * tokens * c.layers() * 3 / 2;
    return linears + head + attn;
  }

  /** Measured float32 matmul throughput (GFLOP/s) of libtorch on this machine, n×n×n products. */
  public static double matmulPeakGflops(int n, double seconds) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.randomNormal(new Shape(n, n));
      NDArray b = m.randomNormal(new Shape(n, n));
      a.matMul(b).close(); // warm up
      long t0 = System.nanoTime();
      int reps = 0;
      while ((System.nanoTime() - t0) / 1e9 < seconds) {
        a.matMul(b).close();
        reps++;
      }
      double elapsed = (System.nanoTime() - t0) / 1e9;
      return 2.0 * n * n * n * reps / elapsed / 1e9;
    }
  }
}
