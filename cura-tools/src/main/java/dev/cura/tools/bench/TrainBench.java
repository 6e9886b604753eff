package dev.cura.tools.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.nn.ComputeDevice;
import dev.cura.engine.nn.LoraConfig;
import dev.cura.engine.nn.LoraParams;
import dev.cura.engine.nn.NativeMemory;
import dev.cura.engine.nn.Nd;
import dev.cura.engine.optim.AdamWConfig;
import dev.cura.engine.optim.Optimizer;
import dev.cura.engine.optim.OptimizerKind;
import dev.cura.engine.train.Batch;
import dev.cura.engine.train.CheckpointedStep;
import dev.cura.engine.train.MemoryStats;
import java.io.IOException;
import java.lang.management.ManagementFactory;
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
   * @param cpuSeconds process CPU time (all threads) of each timed step: on a shared machine it
   *     moves less than wall time with other jobs' load
   * @param tokensPerSecond B·T / median step time
   * @param gflops model FLOPs per step / median step time, in GFLOP/s
   * @param peakRssBytes process peak RSS after the steps
   * @param stepPeakDeviceBytes per timed step, the peak memory on the model's device ({@link
   *     ComputeDevice#peakMemoryBytes}: device memory on a GPU, the step's peak RSS on the CPU)
   * @param trainableParams LoRA parameters
   * @param bufferBytes the model's reusable dequantization buffers
   * @param idleRssBytes RSS before the first step, LoRA attached, the allocator's free pages given
   *     back ({@link NativeMemory#releaseFreed}): weights, LoRA parameters and the runtime
   */
  public record Result(
      List<Double> stepSeconds,
      List<Double> cpuSeconds,
      double tokensPerSecond,
      double gflops,
      long peakRssBytes,
      List<Long> stepPeakDeviceBytes,
      long trainableParams,
      long bufferBytes,
      long idleRssBytes) {
    public double medianStep() {
      return median(stepSeconds);
    }

    public double medianCpu() {
      return median(cpuSeconds);
    }

    public long maxStepPeakDeviceBytes() {
      return stepPeakDeviceBytes.stream().mapToLong(Long::longValue).max().orElse(-1);
    }
  }

  static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    s.sort(Double::compare);
    return s.isEmpty() ? Double.NaN : s.get(s.size() / 2);
  }

  /**
   * What runs around each step (warm-up, timed and profiled): {@code ./cura bench train} uses it to
   * run the sides of a comparison in lockstep, one step of one process at a time, and to decide
   * when the warm-up is over.
   */
  public interface StepGate {
    /** Does nothing but time every step from {@code warmup} on. */
    static StepGate warmup(int warmup) {
      return new StepGate() {
        @Override
        public boolean before(int step) {
          return step >= warmup;
        }

        @Override
        public void after(int step) {}
      };
    }

    /** Before step {@code step} starts (0-based; may block): whether it is a timed step. */
    boolean before(int step);

    /** After step {@code step}, its time taken. */
    void after(int step);
  }

  /**
   * Runs untimed warm-up steps, then {@code steps} timed ones; with a {@code trace} path, one more
   * step under libtorch's profiler, written there as a Chrome trace. {@code gate} runs around every
   * step and says which are timed ({@link StepGate#warmup}: all but the first few).
   */
  public static Result run(
      LlamaModel model,
      int rank,
      int seqLen,
      int batch,
      int steps,
      Path pageDir,
      Path trace,
      StepGate gate)
      throws IOException {
    LoraParams.attach(model, new LoraConfig(rank, 2 * rank, 0.0, LoraConfig.ALL_LINEARS, false), 1);
    List<LoraParams.Param> params = LoraParams.params(model);
    LlamaConfig cfg = model.config();
    ComputeDevice device = model.device();
    SplittableRandom rng = new SplittableRandom(3);
    long[] ids = new long[batch * seqLen];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = rng.nextInt(cfg.vocabSize());
    }
    Batch b = new Batch(ids, ids.clone(), batch, seqLen);
    CheckpointedStep stepper = new CheckpointedStep(model);
    NativeMemory.releaseFreed();
    long idle = MemoryStats.rssBytes();
    List<Double> times = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    List<Long> peaks = new ArrayList<>();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (Optimizer opt =
            OptimizerKind.PAGED_ADAMW_32BIT.create(AdamWConfig.BNB_DEFAULTS, pageDir, 64L << 20);
        NDManager root = NDManager.newBaseManager(device.djl())) {
      java.util.function.IntConsumer step =
          s -> {
            stepper.forwardBackward(b, b.targetTokens(), 1, s, 0, root);
            opt.step(params, 1e-4, 1f);
            params.forEach(p -> Nd.zeroGrad(p.value()));
          };
      int s = 0;
      for (; times.size() < steps; s++) {
        boolean timed = gate.before(s);
        device.resetPeakMemory();
        long c0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        step.accept(s);
        if (timed) {
          times.add((System.nanoTime() - t0) / 1e9);
          cpu.add((os.getProcessCpuTime() - c0) / 1e9);
          peaks.add(device.peakMemoryBytes());
        }
        gate.after(s);
      }
      if (trace != null) {
        gate.before(s);
        JniUtils.startProfile(device.isGpu(), true, false);
        try {
          step.accept(s);
        } finally {
          JniUtils.stopProfile(trace.toAbsolutePath().toString());
        }
        gate.after(s);
      }
    }
    double med = median(times);
    return new Result(
        times,
        cpu,
        batch * seqLen / med,
        stepFlops(cfg, batch * seqLen, seqLen) / med / 1e9,
        MemoryStats.peakRssBytes(),
        peaks,
        LoraParams.count(model),
        model.buffers().bytes(),
        idle);
  }

  /**
   * FLOPs of one checkpointed QLoRA step: the decoder linears run three times (forward, recompute,
   * input-gradient backward) at 2·P·N each, the lm_head twice (forward, backward), attention (QKᵀ
   * and PV, 4·T·d per head per token) three times; LoRA and elementwise work are ignored. This is
   * the step as per-layer recompute of every layer runs it (the PyTorch peer), the one yardstick
   * for every side's GFLOP/s. CURA executes less: it does not recompute the last layer ({@code
   * CheckpointedStep}) and its recompute skips the down projection's product ({@code
   * DecoderLayer.recomputeBackward}) — at the 100M shape 21.1 of the 24 layer passes counted here,
   * about 9% fewer FLOPs in all — so its GFLOP/s column reads as the peer's work per second.
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

  /**
   * Measured matmul throughput of libtorch for n×n×n products in {@code dtype}, over about {@code
   * seconds}: by wall time, and by this process's CPU time (all threads) — on a machine shared with
   * other jobs the second moves far less with their load.
   *
   * @param wallGflops GFLOP per wall second
   * @param cpuGflops GFLOP per CPU second of this process (wall on a GPU)
   */
  public record MatmulPeak(double wallGflops, double cpuGflops) {}

  public static MatmulPeak matmulPeak(int n, double seconds, DataType dtype, Device device) {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (NDManager m = NDManager.newBaseManager(device)) {
      NDArray a = Nd.cast(m, m.randomNormal(new Shape(n, n)), dtype);
      NDArray b = Nd.cast(m, m.randomNormal(new Shape(n, n)), dtype);
      ComputeDevice dev = ComputeDevice.of(device);
      NDArray warm = a.matMul(b);
      dev.downloadScalar(warm.get(0, 0)); // waits for the device (a no-op wait on the CPU)
      warm.close();
      long c0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      int reps = 0;
      NDArray last = null;
      while ((System.nanoTime() - t0) / 1e9 < seconds) {
        if (last != null) {
          last.close();
        }
        last = a.matMul(b); // on a GPU this only queues the product
        reps++;
      }
      dev.downloadScalar(last.get(0, 0)); // waits for the queued products
      double elapsed = (System.nanoTime() - t0) / 1e9;
      double cpu = (os.getProcessCpuTime() - c0) / 1e9;
      double flop = 2.0 * n * n * n * reps / 1e9;
      return new MatmulPeak(flop / elapsed, dev.isGpu() ? flop / elapsed : flop / cpu);
    }
  }

  /** GFLOP/s by wall time (see {@link #matmulPeak}). */
  public static double matmulPeakGflops(int n, double seconds, DataType dtype, Device device) {
    return matmulPeak(n, seconds, dtype, device).wallGflops();
  }

  /** float32 on the CPU (the old signature). */
  public static double matmulPeakGflops(int n, double seconds) {
    return matmulPeakGflops(n, seconds, DataType.FLOAT32, Device.cpu());
  }
}
