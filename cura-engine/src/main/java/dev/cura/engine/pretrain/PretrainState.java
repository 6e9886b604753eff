package dev.cura.engine.pretrain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.core.safetensors.SafetensorsFile;
import dev.cura.core.safetensors.SafetensorsWriter;
import dev.cura.core.safetensors.TensorSpec;
import dev.cura.core.tensor.DType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Everything a pretraining run needs to go on exactly where it stopped: the float32 weights, the
 * AdamW moments and step count, the step reached, the tokens and seconds so far, and the history of
 * losses (so the curve of a resumed run is one curve). The window sampler is not stored: it is
 * replayed from the seed ({@link Pretrainer} draws the same windows again and skips them).
 *
 * <p>Layout: {@code DIR/state-STEP.safetensors} (F32 tensors: each parameter under its transformers
 * name, its moments under {@code optimizer.m.NAME} and {@code optimizer.v.NAME}) and {@code
 * DIR/state.json} (step, counters, settings, history, and which tensor file is current). A save
 * writes the new tensor file first and then replaces state.json atomically, so a crash mid-save
 * leaves the last complete state readable; older tensor files are deleted afterwards.
 */
public record PretrainState(
    long step,
    long tokens,
    double seconds,
    long optimizerSteps,
    float[][] params,
    float[][] m,
    float[][] v,
    List<Pretrainer.StepStats> steps,
    List<Pretrainer.EvalPoint> evals) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String META = "state.json";

  /** Writes the state of {@code model} and {@code opt} after {@code step} into {@code dir}. */
  static void save(
      Path dir,
      PretrainModel model,
      FullAdamW opt,
      PretrainSettings settings,
      long step,
      long tokens,
      double seconds,
      List<Pretrainer.StepStats> steps,
      List<Pretrainer.EvalPoint> evals)
      throws IOException {
    Files.createDirectories(dir);
    String file = String.format(java.util.Locale.ROOT, "state-%06d.safetensors", step);
    Path tmp = dir.resolve(file + ".tmp");
    List<PretrainModel.Spec> specs = model.specs();
    List<TensorSpec> tensors = new ArrayList<>();
    for (PretrainModel.Spec s : specs) {
      tensors.add(new TensorSpec(s.name(), DType.F32, s.shape()));
      tensors.add(new TensorSpec("optimizer.m." + s.name(), DType.F32, s.shape()));
      tensors.add(new TensorSpec("optimizer.v." + s.name(), DType.F32, s.shape()));
    }
    try (SafetensorsWriter w = SafetensorsWriter.create(tmp, tensors, Map.of("format", "pt"))) {
      for (int k = 0; k < specs.size(); k++) {
        w.writeFloats(specs.get(k).name(), model.values(k));
        w.writeFloats("optimizer.m." + specs.get(k).name(), opt.firstMoment(k));
        w.writeFloats("optimizer.v." + specs.get(k).name(), opt.secondMoment(k));
      }
    }
    Files.move(tmp, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    ObjectNode meta = JSON.createObjectNode();
    meta.put("step", step).put("tokens", tokens).put("seconds", seconds);
    meta.put("optimizer_steps", opt.steps());
    meta.set("settings", JSON.valueToTree(settings));
    ArrayNode st = meta.putArray("train");
    for (Pretrainer.StepStats s : steps) {
      st.add(JSON.valueToTree(s));
    }
    ArrayNode ev = meta.putArray("heldout");
    for (Pretrainer.EvalPoint e : evals) {
      ev.add(JSON.valueToTree(e));
    }
    meta.put("tensors", file);
    Path metaTmp = dir.resolve(META + ".tmp");
    Files.writeString(metaTmp, JSON.writeValueAsString(meta), StandardCharsets.UTF_8);
    Files.move(
        metaTmp,
        dir.resolve(META),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    try (Stream<Path> s = Files.list(dir)) {
      for (Path old : s.toList()) {
        String n = old.getFileName().toString();
        if (n.startsWith("state-") && n.endsWith(".safetensors") && !n.equals(file)) {
          Files.delete(old);
        }
      }
    }
  }

  /** Whether {@code dir} holds a state. */
  public static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(META));
  }

  /**
   * Reads the state in {@code dir} for {@code model}'s parameter list; the run's settings must be
   * the ones the state was written with (a different schedule or batch would not continue the same
   * run).
   */
  public static PretrainState load(
      Path dir, List<PretrainModel.Spec> specs, PretrainSettings settings) throws IOException {
    Path d = dir;
    JsonNode meta = JSON.readTree(Files.readString(d.resolve(META), StandardCharsets.UTF_8));
    PretrainSettings saved = JSON.treeToValue(meta.path("settings"), PretrainSettings.class);
    if (!sameRun(saved, settings)) {
      throw new IllegalArgumentException(
          "the pretraining state in "
              + d
              + " was written by a run with settings "
              + saved
              + "; this run has "
              + settings
              + " (only stop-after, max-minutes, eval and save"
              + " intervals may differ when resuming)");
    }
    int n = specs.size();
    float[][] params = new float[n][];
    float[][] m = new float[n][];
    float[][] v = new float[n][];
    try (SafetensorsFile f = SafetensorsFile.open(d.resolve(meta.path("tensors").asText()))) {
      for (int k = 0; k < n; k++) {
        String name = specs.get(k).name();
        if (!f.contains(name)) {
          throw new IllegalArgumentException(
              "the pretraining state in " + d + " has no tensor " + name + " (another model?)");
        }
        params[k] = f.readFloats(name);
        m[k] = f.readFloats("optimizer.m." + name);
        v[k] = f.readFloats("optimizer.v." + name);
        if (params[k].length != specs.get(k).size()) {
          throw new IllegalArgumentException(
              name
                  + ": the state has "
                  + params[k].length
                  + " values, the model "
                  + specs.get(k).size());
        }
      }
    }
    List<Pretrainer.StepStats> steps = new ArrayList<>();
    for (JsonNode s : meta.path("train")) {
      steps.add(JSON.treeToValue(s, Pretrainer.StepStats.class));
    }
    List<Pretrainer.EvalPoint> evals = new ArrayList<>();
    for (JsonNode e : meta.path("heldout")) {
      evals.add(JSON.treeToValue(e, Pretrainer.EvalPoint.class));
    }
    return new PretrainState(
        meta.path("step").asLong(),
        meta.path("tokens").asLong(),
        meta.path("seconds").asDouble(),
        meta.path("optimizer_steps").asLong(),
        params,
        m,
        v,
        List.copyOf(steps),
        List.copyOf(evals));
  }

  private static boolean sameRun(PretrainSettings a, PretrainSettings b) {
    return a.steps() == b.steps()
        && a.batch() == b.batch()
        && a.seqLen() == b.seqLen()
        && a.lr() == b.lr()
        && a.minLrRatio() == b.minLrRatio()
        && a.warmup() == b.warmup()
        && a.weightDecay() == b.weightDecay()
        && a.clip() == b.clip()
        && a.seed() == b.seed();
  }
}
