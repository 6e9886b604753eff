package dev.cura.trainer.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.core.safetensors.SafetensorsWriter;
import dev.cura.core.safetensors.TensorSpec;
import dev.cura.core.tensor.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A deterministic stand-in for the training engine, for the job logic's unit tests: it keeps the
 * {@link TrainingEngine} contract (steps, checkpoints every N steps, exact resume from a checkpoint
 * directory, stop within a step, a PEFT-layout adapter at the end) with a few numbers instead of a
 * model. The "weights" after step s depend only on the seed, the data and s, so an interrupted and
 * resumed run ends with byte-identical adapter files, like the real engine's exact resume.
 */
public final class ScriptedEngine implements TrainingEngine {
  static final int RANK = 2;
  static final int IN = 4;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Plans of every call, in order. */
  public final List<TrainingPlan> plans = new CopyOnWriteArrayList<>();

  @Override
  public TrainingResult train(TrainingPlan plan, TrainingListener listener) throws Exception {
    plans.add(plan);
    List<String> lines = examples(plan.trainFile());
    int batch = plan.spec().training().batchSize();
    long perEpoch = (lines.size() + batch - 1) / batch;
    long total =
        plan.spec().training().maxSteps() != null
            ? plan.spec().training().maxSteps()
            : plan.spec().training().epochs() * perEpoch;
    long step = 0;
    float[] w = new float[RANK * IN];
    if (plan.resumeFrom() != null) {
      JsonNode state = JSON.readTree(plan.resumeFrom().resolve("state.json").toFile());
      if (!state.path("step").canConvertToLong() || state.path("w").size() != w.length) {
        throw new IllegalArgumentException("checkpoint state.json is not a scripted checkpoint");
      }
      step = state.get("step").asLong();
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) state.get("w").get(i).asDouble();
      }
    }
    long lastCheckpoint = step;
    listener.onTrainingStarted();
    while (step < total) {
      if (listener.shouldStop()) {
        if (listener.checkpointBeforeStop() && step > lastCheckpoint) {
          checkpoint(plan, listener, step, w);
        }
        return TrainingResult.stopped(step);
      }
      step++;
      // one "update": depends on seed, step and the batch's text only
      var rng = new SplittableRandom(plan.spec().training().seed() * 1_000_003L + step);
      String text = lines.get((int) ((step - 1) % lines.size()));
      for (int i = 0; i < w.length; i++) {
        w[i] +=
            (float)
                (plan.spec().optimizer().learningRate()
                    * (rng.nextDouble() - 0.5 + text.length() % 7));
      }
      double loss = 3.0 / (1 + 0.1 * step);
      listener.onStep(
          new StepStats(
              step,
              total,
              (double) step / perEpoch,
              loss,
              plan.spec().optimizer().learningRate(),
              batch * plan.spec().training().seqLen() / 0.001,
              0.001,
              64L << 20,
              plan.spec().optimizer().name().startsWith("paged") ? 4096 : 0));
      if (step % plan.spec().training().checkpointEvery() == 0 && step < total) {
        checkpoint(plan, listener, step, w);
        lastCheckpoint = step;
      }
    }
    Path adapter = plan.workDir().resolve("adapter");
    writeAdapter(plan, adapter, w);
    return new TrainingResult(
        adapter,
        Map.of("train_loss", 3.0 / (1 + 0.1 * total), "steps", (double) total),
        total,
        false);
  }

  private static void checkpoint(TrainingPlan plan, TrainingListener listener, long step, float[] w)
      throws Exception {
    Path dir = plan.workDir().resolve("checkpoint-" + step);
    Files.createDirectories(dir);
    ObjectNode state = JSON.createObjectNode().put("step", step);
    var arr = state.putArray("w");
    for (float v : w) {
      arr.add(v);
    }
    Files.writeString(dir.resolve("state.json"), state.toString());
    listener.onCheckpoint(step, dir);
  }

  private static List<String> examples(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    int n = 0;
    for (String line : Files.readAllLines(file)) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      try {
        if (!JSON.readTree(line).isObject()) {
          throw new IllegalArgumentException(
              "line " + n + " of the training file must be a JSON object");
        }
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException("line " + n + " of the training file is not JSON");
      }
      out.add(line);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("the training file has no examples");
    }
    return out;
  }

  private static void writeAdapter(TrainingPlan plan, Path dir, float[] w) throws IOException {
    Files.createDirectories(dir);
    ObjectNode cfg = JSON.createObjectNode();
    cfg.put("peft_type", "LORA");
    cfg.put("task_type", "CAUSAL_LM");
    cfg.put("r", plan.spec().lora().r());
    cfg.put("lora_alpha", plan.spec().lora().alpha());
    cfg.put("lora_dropout", plan.spec().lora().dropout());
    cfg.putArray("target_modules").add("q_proj");
    cfg.put("base_model_name_or_path", plan.baseModelName());
    Files.writeString(dir.resolve("adapter_config.json"), cfg.toPrettyString());
    String a = "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight";
    String b = "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight";
    var specs =
        List.of(
            new TensorSpec(a, DType.F32, new long[] {RANK, IN}),
            new TensorSpec(b, DType.F32, new long[] {IN, RANK}));
    try (var out =
        SafetensorsWriter.create(
            dir.resolve("adapter_model.safetensors"), specs, Map.of("format", "pt"))) {
      out.writeFloats(a, w);
      out.writeFloats(b, w);
    }
  }
}
