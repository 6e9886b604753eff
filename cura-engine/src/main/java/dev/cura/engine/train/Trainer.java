package dev.cura.engine.train;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.core.util.FileTrees;
import dev.cura.engine.data.BatchSampler;
import dev.cura.engine.data.Example;
import dev.cura.engine.data.ExampleBuilder;
import dev.cura.engine.data.JsonlDataset;
import dev.cura.engine.data.TextTokenizer;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.model.LlamaLoader;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.nn.ComputeDevice;
import dev.cura.engine.nn.DtypeNames;
import dev.cura.engine.nn.LoraParams;
import dev.cura.engine.nn.Nd;
import dev.cura.engine.optim.AdamWConfig;
import dev.cura.engine.optim.GradClip;
import dev.cura.engine.optim.Optimizer;
import dev.cura.engine.peft.PeftAdapter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * QLoRA training: loads the base (NF4 or dense), attaches LoRA, and runs optimizer steps — each
 * step: {@code gradAccum} micro-batches of checkpointed forward/backward (gradients accumulate),
 * global-norm clipping, optimizer update, zeroed gradients. The run is {@link TrainConfig#steps}
 * long (max steps, or the epochs over the data), with a linear warmup over the spec's warmup ratio
 * of it. Checkpoints every {@code saveEvery} steps and at the end; output is a PEFT adapter +
 * metrics.json.
 *
 * <pre>
 *   TrainResult r = Trainer.run(TrainConfig.builder().setModel(model).setData(data)
 *       .setOutput(out).build(), listener);
 * </pre>
 */
public final class Trainer {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private Trainer() {}

  /** Runs training from {@code cfg}; resumes from the latest checkpoint if {@code cfg.resume()}. */
  public static TrainResult run(TrainConfig cfg, TrainingListener listener) throws IOException {
    return run(cfg, cfg.loadOptions(ComputeDevice.cpu()), listener);
  }

  /** {@link #run(TrainConfig, TrainingListener)} with the model loaded as {@code options} say. */
  public static TrainResult run(TrainConfig cfg, LoadOptions options, TrainingListener listener)
      throws IOException {
    // data first: a bad line should fail in a second, not after loading a large base model
    LlamaConfig modelConfig = LlamaConfig.read(cfg.model());
    List<Example> train;
    List<Example> valid;
    long pad;
    try (TextTokenizer tok = TextTokenizer.load(cfg.model(), modelConfig)) {
      ExampleBuilder builder = new ExampleBuilder(tok, cfg.seqLen());
      train = builder.buildAll(JsonlDataset.read(cfg.data()));
      valid =
          cfg.validation() == null ? null : builder.buildAll(JsonlDataset.read(cfg.validation()));
      pad = Math.max(0, tok.eosId());
    }
    LOG.info("{} training examples, loading {}", train.size(), cfg.model());
    try (LlamaModel model = LlamaLoader.load(cfg.model(), options)) {
      return train(model, train, valid, pad, cfg, listener);
    }
  }

  /** The training loop over prepared examples (also used by benchmarks and pretraining tests). */
  public static TrainResult train(
      LlamaModel model,
      List<Example> train,
      List<Example> valid,
      long padId,
      TrainConfig cfg,
      TrainingListener listener)
      throws IOException {
    Files.createDirectories(cfg.out());
    LoraParams.attach(model, cfg.lora(), cfg.seed());
    List<LoraParams.Param> params = LoraParams.params(model);
    BatchSampler sampler =
        new BatchSampler(train, cfg.batchSize(), cfg.seqLen(), cfg.seed(), cfg.packing(), padId);
    long totalSteps = cfg.steps(sampler.rowsPerEpoch());
    int warmup = cfg.warmupSteps(totalSteps);
    AdamWConfig adam = AdamWConfig.BNB_DEFAULTS.withWeightDecay(cfg.weightDecay());
    try (Optimizer opt =
        cfg.optimizer().create(adam, cfg.out().resolve("checkpoints"), cfg.pagedResidentBytes())) {
      List<Double> losses = new ArrayList<>();
      long tokens = 0;
      double seconds = 0;
      long start = 0;
      Path latest = cfg.resume() ? TrainerState.latest(cfg.out()) : null;
      if (latest != null) {
        TrainerState st = TrainerState.read(latest);
        PeftAdapter.load(latest, model);
        params = LoraParams.params(model);
        opt.load(latest.resolve("optimizer.safetensors"), params);
        sampler.seek(new BatchSampler.Position(st.epoch(), st.row()));
        losses.addAll(st.losses());
        tokens = st.tokens();
        seconds = st.seconds();
        start = st.step();
        LOG.info("resuming from {} (step {})", latest, start);
      }
      CheckpointedStep stepper = new CheckpointedStep(model);
      ComputeDevice device = model.device();
      List<Long> devicePeaks = new ArrayList<>();
      boolean cancelled = false;
      listener.onStart(start, totalSteps);
      try (NDManager root = NDManager.newBaseManager(model.options().device())) {
        for (long step = start + 1; step <= totalSteps; step++) {
          long t0 = System.nanoTime();
          device.resetPeakMemory();
          List<Batch> micro = new ArrayList<>();
          int targets = 0;
          for (int k = 0; k < cfg.gradAccum(); k++) {
            Batch b = sampler.next();
            micro.add(b);
            targets += b.targetTokens();
          }
          double nll = 0;
          for (int k = 0; k < micro.size(); k++) {
            if (targets > 0) {
              nll += stepper.forwardBackward(micro.get(k), targets, cfg.seed(), step, k, root);
            }
            tokens += (long) micro.get(k).batch() * micro.get(k).length();
          }
          double norm = GradClip.globalNorm(params);
          float scale = GradClip.scale(norm, cfg.maxGradNorm());
          double lr = cfg.lrAt(step, warmup);
          long pagedBefore = opt.pagedBytes();
          opt.step(params, lr, scale);
          params.forEach(p -> Nd.zeroGrad(p.value()));
          double loss = targets > 0 ? nll / targets : Double.NaN;
          losses.add(loss);
          seconds += (System.nanoTime() - t0) / 1e9;
          double tps = tokens / Math.max(seconds, 1e-9);
          double eta = seconds / (step - start) * (totalSteps - step);
          long devicePeak = device.peakMemoryBytes();
          devicePeaks.add(devicePeak);
          listener.onStep(
              new StepMetrics(
                  step,
                  totalSteps,
                  sampler.epoch(),
                  loss,
                  lr,
                  norm,
                  tps,
                  MemoryStats.peakRssBytes(),
                  eta,
                  opt.pagedBytes() - pagedBefore,
                  devicePeak));
          cancelled = listener.isCancelled();
          boolean last = step == totalSteps;
          if (cancelled || last || (cfg.saveEvery() > 0 && step % cfg.saveEvery() == 0)) {
            BatchSampler.Position pos = sampler.position();
            Path dir =
                checkpoint(
                    cfg,
                    model,
                    opt,
                    new TrainerState(
                        step, pos.epoch(), pos.row(), cfg.seed(), losses, tokens, seconds));
            listener.onCheckpoint(step, dir);
          }
          if (cancelled) {
            break;
          }
        }
      }
      PeftAdapter.save(cfg.out(), model, cfg.lora(), cfg.model().toString());
      double evalLoss =
          valid == null ? Double.NaN : Evaluator.evaluate(model, valid, cfg.batchSize()).loss();
      double tps = tokens / Math.max(seconds, 1e-9);
      TrainResult result =
          new TrainResult(
              cfg.out(),
              losses.size(),
              losses,
              evalLoss,
              tps,
              tokens,
              MemoryStats.peakRssBytes(),
              cancelled,
              devicePeaks);
      writeMetrics(cfg, model, result, LoraParams.count(model), totalSteps, warmup);
      return result;
    }
  }

  private static Path checkpoint(
      TrainConfig cfg, LlamaModel model, Optimizer opt, TrainerState state) throws IOException {
    Path root = cfg.out().resolve("checkpoints");
    Path dir = root.resolve(String.format("step-%06d", state.step()));
    Path tmp = root.resolve(String.format(".tmp-step-%06d", state.step()));
    Files.createDirectories(tmp);
    PeftAdapter.save(tmp, model, cfg.lora(), cfg.model().toString());
    opt.save(tmp.resolve("optimizer.safetensors"));
    state.write(tmp);
    if (Files.exists(dir)) {
      FileTrees.delete(dir);
    }
    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    return dir;
  }

  private static void writeMetrics(
      TrainConfig cfg, LlamaModel model, TrainResult r, long trainable, long totalSteps, int warmup)
      throws IOException {
    ObjectNode o = JSON.createObjectNode();
    var l = o.putArray("losses");
    r.losses().forEach(l::add);
    if (!Double.isNaN(r.evalLoss())) {
      o.put("eval_loss", r.evalLoss());
    }
    o.put("tokens_per_second", r.tokensPerSecond());
    o.put("peak_rss_bytes", r.peakRssBytes());
    o.put("device", model.device().toString());
    o.put("compute_dtype", DtypeNames.name(model.options().computeDtype()));
    o.put("peak_device_bytes", r.maxPeakDeviceBytes());
    var peaks = o.putArray("peak_device_bytes_per_step");
    r.peakDeviceBytes().forEach(peaks::add);
    o.put("steps", r.steps());
    o.put("trainable_parameters", trainable);
    o.put("cancelled", r.cancelled());
    ObjectNode c = o.putObject("config");
    c.put("model", cfg.model().toString());
    c.put("data", cfg.data() == null ? null : cfg.data().toString());
    c.put("validation", cfg.validation() == null ? null : cfg.validation().toString());
    c.put("quant", cfg.quant().specName());
    c.put("rank", cfg.lora().rank());
    c.put("alpha", cfg.lora().alpha());
    c.put("dropout", cfg.lora().dropout());
    var t = c.putArray("target_modules");
    cfg.lora().targets().forEach(t::add);
    c.put("use_rslora", cfg.lora().rslora());
    c.put("lr", cfg.lr());
    c.put("steps", totalSteps);
    c.put("batch_size", cfg.batchSize());
    c.put("grad_accum", cfg.gradAccum());
    c.put("seq_len", cfg.seqLen());
    c.put("optimizer", cfg.optimizer().specName());
    c.put("weight_decay", cfg.weightDecay());
    c.put("max_grad_norm", cfg.maxGradNorm());
    c.put("warmup_steps", warmup);
    c.put("seed", cfg.seed());
    c.put("packing", cfg.packing());
    c.put("save_every", cfg.saveEvery());
    JSON.writerWithDefaultPrettyPrinter().writeValue(cfg.out().resolve("metrics.json").toFile(), o);
  }
}
