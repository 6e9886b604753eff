package dev.cura.trainer.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.core.store.ArtifactStore;
import dev.cura.core.util.FileTrees;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.nn.ComputeDevice;
import dev.cura.engine.plan.MemoryPlan;
import dev.cura.engine.train.StepMetrics;
import dev.cura.engine.train.TrainConfig;
import dev.cura.engine.train.TrainResult;
import dev.cura.engine.train.Trainer;
import dev.cura.events.JobSpec;
import dev.cura.trainer.job.JobException;
import dev.cura.trainer.job.StepStats;
import dev.cura.trainer.job.TrainingEngine;
import dev.cura.trainer.job.TrainingListener;
import dev.cura.trainer.job.TrainingPlan;
import dev.cura.trainer.job.TrainingResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@link TrainingEngine} on cura-engine's {@link Trainer}: hands the job's spec to a {@link
 * TrainConfig} (the same path {@code ./cura train} takes, so the same settings train the same
 * adapter), lays a stored checkpoint out where the engine resumes from ({@code
 * <out>/checkpoints/step-NNNNNN}), and turns the engine's callbacks into the trainer's.
 *
 * <p>The engine writes its adapter, metrics.json and checkpoints into one output directory; the
 * stored adapter is only the PEFT pair ({@code adapter_config.json} with {@code
 * base_model_name_or_path} set to the job's base model name, {@code adapter_model.safetensors}), so
 * its digest depends on the trained weights alone — an interrupted and resumed run (the engine
 * resumes exactly) gives the same digest as an uninterrupted one.
 */
public final class CuraEngineTraining implements TrainingEngine {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Loads libtorch and runs one small op on the device: 3.4 s of a take-over measured at load ~15
   * on 2 cores (FastJarSmoke kill) went to loading the native libraries on the first run.
   */
  @Override
  public void warmUp(String device) {
    try (NDManager m = NDManager.newBaseManager(device(device).djl())) {
      NDArray x = m.ones(new Shape(8, 8));
      x.matMul(x).sum().toFloatArray();
    }
  }

  @Override
  public TrainingResult train(TrainingPlan plan, TrainingListener listener) throws Exception {
    refuseIfTooBig(plan);
    Path out = plan.workDir().resolve("run");
    Files.createDirectories(out);
    if (plan.resumeFrom() != null) {
      long step = checkpointStep(plan.resumeFrom());
      FileTrees.copy(
          plan.resumeFrom(),
          out.resolve("checkpoints").resolve(String.format("step-%06d", step)),
          rel -> rel.toString().equals(ArtifactStore.MANIFEST),
          StandardCopyOption.REPLACE_EXISTING);
    }
    TrainConfig cfg = config(plan, out);
    var bridge = new Bridge(listener, plan, countExamples(plan.trainFile()));
    TrainResult r;
    try {
      r = Trainer.run(cfg, cfg.loadOptions(device(plan)), bridge);
    } catch (CheckpointFailure e) {
      throw e.cause;
    }
    if (r.cancelled()) {
      return TrainingResult.stopped(r.steps());
    }
    Path adapter = plan.workDir().resolve("adapter");
    Files.createDirectories(adapter);
    ObjectNode adapterConfig =
        (ObjectNode) JSON.readTree(out.resolve("adapter_config.json").toFile());
    adapterConfig.put("base_model_name_or_path", plan.baseModelName());
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(adapter.resolve("adapter_config.json").toFile(), adapterConfig);
    Files.copy(
        out.resolve("adapter_model.safetensors"), adapter.resolve("adapter_model.safetensors"));
    return new TrainingResult(adapter, metrics(r, plan.device().equals("cuda")), r.steps(), false);
  }

  /**
   * The memory pre-check: the engine's {@link MemoryPlan} of one step from the base's {@code
   * config.json} and the job's settings, against the worker's budget; a job that cannot fit is a
   * user error naming the settings that drive it, before anything is loaded.
   */
  static void refuseIfTooBig(TrainingPlan plan) throws IOException {
    long budget = plan.memoryBudgetBytes();
    if (budget <= 0) {
      return;
    }
    LlamaConfig model = LlamaConfig.read(plan.baseModelDir());
    MemoryPlan estimate = MemoryPlan.estimate(model, settings(plan));
    long need = estimate.totalBytes();
    if (need <= budget) {
      return;
    }
    String largest =
        estimate.items().stream()
            .sorted((a, b) -> Long.compare(b.bytes(), a.bytes()))
            .limit(3)
            .map(i -> i.name() + " " + gib(i.bytes()))
            .collect(Collectors.joining(", "));
    var t = plan.spec().training();
    throw JobException.user(
        "the job needs about "
            + gib(need)
            + " of memory per step but this worker has "
            + gib(budget)
            + " (largest: "
            + largest
            + "); lower training.batch_size ("
            + t.batchSize()
            + ") or training.seq_len ("
            + t.seqLen()
            + "), or ask an operator for bigger workers");
  }

  /**
   * The job's step as the memory plan sees it: quantization, compute dtype (the device's default
   * when the job leaves it out) and optimizer as the engine will load and run them.
   */
  static MemoryPlan.Settings settings(TrainingPlan plan) {
    ComputeDevice device = device(plan);
    TrainConfig cfg = config(plan, plan.workDir().resolve("run"));
    LoadOptions load = cfg.loadOptions(device);
    var spec = plan.spec();
    var q = spec.quantization();
    return new MemoryPlan.Settings(
        !load.quant().dense(),
        q.doubleQuant(),
        q.blocksize() == null ? JobSpec.DEFAULT_BLOCKSIZE : q.blocksize(),
        load.computeDtype(),
        cfg.lora().rank(),
        spec.training().batchSize(),
        spec.training().seqLen(),
        device.isGpu(),
        cfg.optimizer().paged(),
        load.computeDtype()); // a loaded model holds its embedding and lm_head in the compute dtype
  }

  /** Where the job runs: the GPU for {@code cuda}, else the CPU. */
  private static ComputeDevice device(TrainingPlan plan) {
    return device(plan.device());
  }

  private static ComputeDevice device(String device) {
    return device.equals("cuda") ? ComputeDevice.of(Device.gpu()) : ComputeDevice.cpu();
  }

  private static String gib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
  }

  /** The job's settings as the engine's config (the steps follow from the spec and the data). */
  static TrainConfig config(TrainingPlan plan, Path out) {
    return TrainConfig.builder()
        .setModel(plan.baseModelDir())
        .setData(plan.trainFile())
        .setOutput(out)
        .optValidation(plan.validationFile())
        .optSpec(plan.spec())
        .optResume(plan.resumeFrom() != null)
        .build();
  }

  private static long countExamples(Path jsonl) throws IOException {
    try (Stream<String> lines = Files.lines(jsonl)) {
      return lines.filter(l -> !l.isBlank()).count();
    }
  }

  private static Map<String, Double> metrics(TrainResult r, boolean gpu) {
    var m = new LinkedHashMap<String, Double>();
    List<Double> losses = r.losses();
    if (!losses.isEmpty()) {
      m.put("train_loss", losses.get(losses.size() - 1));
    }
    if (!Double.isNaN(r.evalLoss())) {
      m.put("eval_loss", r.evalLoss());
    }
    m.put("steps", (double) r.steps());
    m.put("tokens_per_second", r.tokensPerSecond());
    // OpenAI's trained_tokens on the job object (the gateway reads it from here)
    m.put("trained_tokens", (double) r.tokens());
    // device memory on a GPU (the largest step peak), the process's resident set on the CPU
    m.put("peak_memory_bytes", (double) (gpu ? r.maxPeakDeviceBytes() : r.peakRssBytes()));
    m.values().removeIf(v -> !Double.isFinite(v)); // JSON has no NaN (e.g. a loss without targets)
    return m;
  }

  private static long checkpointStep(Path checkpoint) throws IOException {
    Path state = checkpoint.resolve("trainer_state.json");
    if (!Files.isRegularFile(state)) {
      throw new IllegalArgumentException(
          "checkpoint "
              + checkpoint.getFileName()
              + " has no trainer_state.json: not a cura-engine checkpoint");
    }
    var step = JSON.readTree(state.toFile()).path("step");
    if (!step.canConvertToLong() || step.asLong() < 0) {
      throw new IllegalArgumentException(
          "checkpoint "
              + checkpoint.getFileName()
              + ": trainer_state.json must have a step >= 0, got "
              + step);
    }
    return step.asLong();
  }

  /** A listener failure carried through the engine (its callbacks throw no checked exceptions). */
  private static final class CheckpointFailure extends RuntimeException {
    final Exception cause;

    CheckpointFailure(Exception cause) {
      super(cause);
      this.cause = cause;
    }
  }

  /** Engine callbacks → trainer callbacks. */
  private static final class Bridge implements dev.cura.engine.train.TrainingListener {
    private final TrainingListener listener;
    private final TrainingPlan plan;
    private final long examples;
    // the first step of a run also pays for loading the model and data: its time is unknown
    private long last = -1;

    Bridge(TrainingListener listener, TrainingPlan plan, long examples) {
      this.listener = listener;
      this.plan = plan;
      this.examples = Math.max(1, examples);
    }

    @Override
    public void onStart(long resumedStep, long totalSteps) {
      try {
        listener.onTrainingStarted();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new CheckpointFailure(e);
      }
    }

    @Override
    public void onStep(StepMetrics m) {
      long now = System.nanoTime();
      double seconds = last < 0 ? Double.NaN : (now - last) / 1e9;
      last = now;
      double epoch = (double) m.step() * plan.spec().sequencesPerStep() / examples;
      listener.onStep(
          new StepStats(
              m.step(),
              m.totalSteps(),
              epoch,
              m.loss(),
              m.lr(),
              m.tokensPerSecond(),
              seconds,
              m.peakDeviceBytes() > 0 ? m.peakDeviceBytes() : m.peakRssBytes(),
              m.pagedBytes()));
    }

    @Override
    public void onCheckpoint(long step, Path dir) {
      try {
        listener.onCheckpoint(step, dir);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new CheckpointFailure(e);
      }
      last = System.nanoTime(); // storing the checkpoint is not step time
    }

    @Override
    public boolean isCancelled() {
      return listener.shouldStop();
    }
  }
}
