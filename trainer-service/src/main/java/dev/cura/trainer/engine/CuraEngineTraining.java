package dev.cura.trainer.engine;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.core.store.ArtifactStore;
import dev.cura.engine.data.ExampleBuilder;
import dev.cura.engine.data.JsonlDataset;
import dev.cura.engine.data.TextTokenizer;
import dev.cura.engine.model.LlamaLoader;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.nn.LoraConfig;
import dev.cura.engine.train.StepMetrics;
import dev.cura.engine.train.TrainConfig;
import dev.cura.engine.train.TrainResult;
import dev.cura.engine.train.Trainer;
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
import java.util.stream.Stream;

/**
 * {@link TrainingEngine} on cura-engine's {@link Trainer}: maps a job's settings to a {@link
 * TrainConfig} (QLoRA defaults for what a job does not set: max grad norm, warmup, paged resident
 * budget), lays a stored checkpoint out where the engine resumes from ({@code
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
  private static final List<String> OPTIMIZERS =
      List.of("paged_adamw_32bit", "paged_adamw_8bit", "adamw_32bit");

  @Override
  public TrainingResult train(TrainingPlan plan, TrainingListener listener) throws Exception {
    Path out = plan.workDir().resolve("run");
    Files.createDirectories(out);
    if (plan.resumeFrom() != null) {
      long step = checkpointStep(plan.resumeFrom());
      copyTree(
          plan.resumeFrom(), out.resolve("checkpoints").resolve(String.format("step-%06d", step)));
    }
    TrainConfig cfg = config(plan, out);
    var bridge = new Bridge(listener, plan, countExamples(plan.trainFile()));
    TrainResult r;
    try {
      r = plan.device().equals("cuda") ? runOn(cfg, gpu(cfg), bridge) : Trainer.run(cfg, bridge);
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
    return new TrainingResult(adapter, metrics(r), r.steps(), false);
  }

  /** The job's settings as the engine's config. */
  static TrainConfig config(TrainingPlan plan, Path out) throws IOException {
    validate(plan);
    var training = plan.training();
    long steps = training.maxSteps() != null ? training.maxSteps() : plannedSteps(plan);
    if (steps < 1 || steps > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "a job must train 1.." + Integer.MAX_VALUE + " steps, got " + steps);
    }
    var lora = plan.lora();
    List<String> targets =
        lora.targetModules() == null || lora.targetModules().isEmpty()
            ? LoraConfig.ALL_LINEARS
            : lora.targetModules();
    TrainConfig d = TrainConfig.defaults(plan.baseModelDir(), plan.trainFile(), out);
    return new TrainConfig(
        plan.baseModelDir(),
        plan.trainFile(),
        plan.validationFile(),
        out,
        "none".equals(plan.quantization().type()) ? LoadOptions.Quant.NONE : LoadOptions.Quant.NF4,
        new LoraConfig(lora.r(), lora.alpha(), lora.dropout(), targets, false),
        plan.optimizer().learningRate(),
        (int) steps,
        training.batchSize(),
        1,
        training.seqLen(),
        plan.optimizer().name(),
        plan.optimizer().weightDecay() == null ? 0.0 : plan.optimizer().weightDecay(),
        d.maxGradNorm(),
        d.warmupSteps(),
        training.seed(),
        false,
        plan.checkpointEvery(),
        plan.resumeFrom() != null,
        d.pagedResidentBytes());
  }

  /**
   * Settings the engine would take but cannot train with; events may come from any upstream system,
   * so they are checked here with messages that name the field.
   */
  private static void validate(TrainingPlan plan) {
    var t = plan.training();
    require(t.batchSize() >= 1, "training.batch_size must be at least 1, got " + t.batchSize());
    require(t.seqLen() >= 2, "training.seq_len must be at least 2 tokens, got " + t.seqLen());
    require(
        t.maxSteps() != null || t.epochs() >= 1,
        "training.epochs must be at least 1 when max_steps is absent, got " + t.epochs());
    require(
        t.maxSteps() == null || t.maxSteps() >= 1,
        "training.max_steps must be at least 1, got " + t.maxSteps());
    var l = plan.lora();
    require(l.r() >= 1, "lora.r must be at least 1, got " + l.r());
    require(l.alpha() > 0, "lora.alpha must be > 0, got " + l.alpha());
    require(
        l.dropout() >= 0 && l.dropout() < 1, "lora.dropout must be in [0, 1), got " + l.dropout());
    var o = plan.optimizer();
    require(
        OPTIMIZERS.contains(o.name()),
        "optimizer.name must be one of " + OPTIMIZERS + ", got '" + o.name() + "'");
    require(
        o.learningRate() > 0 && Double.isFinite(o.learningRate()),
        "optimizer.learning_rate must be > 0, got " + o.learningRate());
    require(
        o.weightDecay() == null || o.weightDecay() >= 0,
        "optimizer.weight_decay must be >= 0, got " + o.weightDecay());
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Epochs × batches per epoch, when the job sets no step limit. */
  private static long plannedSteps(TrainingPlan plan) throws IOException {
    long examples = countExamples(plan.trainFile());
    long perEpoch = (examples + plan.training().batchSize() - 1) / plan.training().batchSize();
    return plan.training().epochs() * perEpoch;
  }

  private static long countExamples(Path jsonl) throws IOException {
    try (Stream<String> lines = Files.lines(jsonl)) {
      return lines.filter(l -> !l.isBlank()).count();
    }
  }

  /**
   * CUDA with float32 compute. DESIGN §5 wants bf16 on a GPU, but DJL 0.36's PyTorch engine aborts
   * the JVM on a BFLOAT16 cast (docs/engine.md), and an abort here would crash-loop the job through
   * redeliveries; float32 is correct, only slower. Not run on a GPU yet.
   */
  private static LoadOptions gpu(TrainConfig cfg) {
    return new LoadOptions(cfg.quant(), Device.gpu(), DataType.FLOAT32);
  }

  /** {@link Trainer#run} with the model on a chosen device (it loads on the CPU). */
  private static TrainResult runOn(TrainConfig cfg, LoadOptions options, Bridge bridge)
      throws IOException {
    LlamaModel model = LlamaLoader.load(cfg.model(), options);
    try (model;
        TextTokenizer tok = TextTokenizer.load(cfg.model(), model.config())) {
      var builder = new ExampleBuilder(tok, cfg.seqLen());
      var train = builder.buildAll(JsonlDataset.read(cfg.data()));
      var valid =
          cfg.validation() == null ? null : builder.buildAll(JsonlDataset.read(cfg.validation()));
      return Trainer.train(model, train, valid, Math.max(0, tok.eosId()), cfg, bridge);
    }
  }

  private static Map<String, Double> metrics(TrainResult r) {
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
    m.put("peak_memory_bytes", (double) r.peakRssBytes());
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

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path rel = from.relativize(p);
        if (rel.toString().equals(ArtifactStore.MANIFEST)) {
          continue;
        }
        Path dest = to.resolve(rel.toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
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
    public void onStep(StepMetrics m) {
      long now = System.nanoTime();
      double seconds = last < 0 ? Double.NaN : (now - last) / 1e9;
      last = now;
      double epoch = (double) m.step() * plan.training().batchSize() / examples;
      listener.onStep(
          new StepStats(
              m.step(),
              m.totalSteps(),
              epoch,
              m.loss(),
              m.lr(),
              m.tokensPerSecond(),
              seconds,
              m.peakRssBytes(),
              0)); // the engine reports no paging traffic yet
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
