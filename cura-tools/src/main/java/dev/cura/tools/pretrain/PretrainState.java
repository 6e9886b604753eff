package dev.cura.tools.pretrain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.core.safetensors.SafetensorsFile;
import dev.cura.core.safetensors.SafetensorsWriter;
import dev.cura.core.safetensors.TensorSpec;
import dev.cura.core.tensor.DType;
import dev.cura.core.util.AtomicFiles;
import dev.cura.core.util.FileTrees;
import dev.cura.engine.nn.LoraParams;
import dev.cura.engine.nn.Nd;
import dev.cura.engine.optim.Optimizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Everything a pretraining run needs to go on exactly where it stopped: the float32 weights, the
 * two AdamW states (moments and step count of the weight-decayed matrices and of the norm weights),
 * the step reached, the tokens and seconds so far, and the history of losses (so the curve of a
 * resumed run is one curve). The window sampler is not stored: it is replayed from the seed ({@link
 * Pretrainer} draws the same windows again and skips them).
 *
 * <p>Layout: {@code DIR/state-STEP/} holds {@code weights.safetensors} (F32, each parameter under
 * its transformers name) and the optimizers' own files ({@link Optimizer#save}); {@code
 * DIR/state.json} holds the step, counters, settings, history and which state directory is current.
 * A save writes the new directory first and then replaces state.json atomically, so a crash
 * mid-save leaves the last complete state readable; older state directories are deleted afterwards.
 */
public record PretrainState(
    long step,
    long tokens,
    double seconds,
    Path tensors,
    List<Pretrainer.StepStats> steps,
    List<Pretrainer.EvalPoint> evals) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String META = "state.json";
  private static final String WEIGHTS = "weights.safetensors";
  private static final String DECAYED = "adamw-decayed.safetensors";
  private static final String PLAIN = "adamw-plain.safetensors";

  /** The model's parameters and the two optimizers over them, as {@link Pretrainer} splits them. */
  record Training(
      TrainableLlama model,
      Optimizer decayed,
      List<LoraParams.Param> matrices,
      Optimizer plain,
      List<LoraParams.Param> vectors) {}

  /** Writes the state of a run after {@code step} into {@code dir}. */
  static void save(
      Path dir,
      Training t,
      PretrainSettings settings,
      long step,
      long tokens,
      double seconds,
      List<Pretrainer.StepStats> steps,
      List<Pretrainer.EvalPoint> evals)
      throws IOException {
    Files.createDirectories(dir);
    String name = String.format(Locale.ROOT, "state-%06d", step);
    Path tmp = dir.resolve(name + ".tmp");
    FileTrees.delete(tmp);
    Files.createDirectories(tmp);
    List<TensorSpec> specs = new ArrayList<>();
    for (LoraParams.Param p : t.model().params()) {
      specs.add(new TensorSpec(p.name(), DType.F32, p.value().getShape().getShape()));
    }
    try (SafetensorsWriter w =
        SafetensorsWriter.create(tmp.resolve(WEIGHTS), specs, Map.of("format", "pt"))) {
      for (LoraParams.Param p : t.model().params()) {
        w.writeFloats(p.name(), p.value().toFloatArray());
      }
    }
    t.decayed().save(tmp.resolve(DECAYED));
    t.plain().save(tmp.resolve(PLAIN));
    Path current = dir.resolve(name);
    FileTrees.delete(current);
    Files.move(tmp, current);

    ObjectNode meta = JSON.createObjectNode();
    meta.put("step", step).put("tokens", tokens).put("seconds", seconds);
    meta.set("settings", JSON.valueToTree(settings));
    ArrayNode st = meta.putArray("train");
    steps.forEach(s -> st.add(JSON.valueToTree(s)));
    ArrayNode ev = meta.putArray("heldout");
    evals.forEach(e -> ev.add(JSON.valueToTree(e)));
    meta.put("tensors", name);
    AtomicFiles.replace(dir.resolve(META), JSON.writeValueAsBytes(meta));
    try (Stream<Path> s = Files.list(dir)) {
      for (Path old : s.toList()) {
        String n = old.getFileName().toString();
        if (n.startsWith("state-") && !n.equals(name)) {
          FileTrees.delete(old);
        }
      }
    }
  }

  /** Whether {@code dir} holds a state. */
  public static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(META));
  }

  /**
   * Reads the state in {@code dir}; the run's settings must be the ones the state was written with
   * (a different schedule or batch would not continue the same run).
   */
  public static PretrainState load(Path dir, PretrainSettings settings) throws IOException {
    JsonNode meta = JSON.readTree(Files.readString(dir.resolve(META), StandardCharsets.UTF_8));
    PretrainSettings saved = JSON.treeToValue(meta.path("settings"), PretrainSettings.class);
    if (!sameRun(saved, settings)) {
      throw new IllegalArgumentException(
          "the pretraining state in "
              + dir
              + " was written by a run with settings "
              + saved
              + "; this run has "
              + settings
              + " (only stop-after, max-minutes, eval and save"
              + " intervals may differ when resuming)");
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
        dir.resolve(meta.path("tensors").asText()),
        List.copyOf(steps),
        List.copyOf(evals));
  }

  /** Puts the saved weights into the model and the saved moments into the optimizers. */
  void restore(Training t) throws IOException {
    try (SafetensorsFile f = SafetensorsFile.open(tensors.resolve(WEIGHTS))) {
      for (LoraParams.Param p : t.model().params()) {
        if (!f.contains(p.name())) {
          throw new IllegalArgumentException(
              "the pretraining state in "
                  + tensors
                  + " has no tensor "
                  + p.name()
                  + " (another model?)");
        }
        float[] values = f.readFloats(p.name());
        long size = p.value().getShape().size();
        if (values.length != size) {
          throw new IllegalArgumentException(
              p.name() + ": the state has " + values.length + " values, the model " + size);
        }
        boolean was = Nd.gradMode(false);
        try {
          Nd.assign(p.value(), values);
        } finally {
          Nd.gradMode(was);
        }
      }
    }
    t.decayed().load(tensors.resolve(DECAYED), t.matrices());
    t.plain().load(tensors.resolve(PLAIN), t.vectors());
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
        && a.seed() == b.seed()
        && a.copyFraction() == b.copyFraction();
  }
}
