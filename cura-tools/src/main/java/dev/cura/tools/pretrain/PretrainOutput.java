package dev.cura.tools.pretrain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.core.tensor.DType;
import dev.cura.engine.model.CheckpointWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Writes a pretrained model as a Hugging Face directory: {@code config.json} (the input config,
 * {@code torch_dtype} set to the stored dtype), {@code model.safetensors}, the tokenizer files, and
 * the run's metrics ({@code pretrain-metrics.json}: settings, loss per step, held-out losses;
 * {@code loss-curve.csv}: step, train loss, lr, held-out loss and copy-probe loss where evaluated).
 */
public final class PretrainOutput {
  static final List<String> TOKENIZER_FILES =
      List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  private PretrainOutput() {}

  /**
   * Writes everything into {@code out}.
   *
   * @param configJson the model's config.json as given (kept field for field)
   * @param tokenizerDir where tokenizer.json etc. come from (nothing copied when it is {@code out})
   * @param info extra top-level fields for the metrics (corpus, hardware, command)
   */
  public static void write(
      Path out,
      TrainableLlama model,
      ObjectNode configJson,
      DType dtype,
      Path tokenizerDir,
      PretrainSettings settings,
      Pretrainer.Result result,
      Map<String, Object> info)
      throws IOException {
    Files.createDirectories(out);
    CheckpointWriter.write(out, model.config(), model.entries(), dtype, 1);
    ObjectNode cfg = configJson.deepCopy();
    cfg.put("torch_dtype", dtype.torchName());
    writeAtomically(
        out.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(cfg));
    if (!Files.isSameFile(tokenizerDir, out)) {
      for (String f : TOKENIZER_FILES) {
        Path src = tokenizerDir.resolve(f);
        if (Files.isRegularFile(src)) {
          Files.copy(src, out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    writeAtomically(out.resolve("pretrain-metrics.json"), metrics(model, settings, result, info));
    writeAtomically(out.resolve("loss-curve.csv"), csv(result));
  }

  static String metrics(
      TrainableLlama model, PretrainSettings s, Pretrainer.Result r, Map<String, Object> info)
      throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("parameters", model.parameterCount());
    root.set("settings", JSON.valueToTree(s));
    info.forEach((k, v) -> root.set(k, JSON.valueToTree(v)));
    root.put("steps_done", r.steps().size());
    root.put("tokens_seen", r.tokensSeen());
    root.put("seconds", Math.round(r.seconds() * 10) / 10.0);
    root.put("stopped_early", r.stoppedEarly());
    if (!r.evals().isEmpty()) {
      root.put("final_heldout_loss", r.evals().get(r.evals().size() - 1).loss());
    }
    ArrayNode evals = root.putArray("heldout");
    for (Pretrainer.EvalPoint e : r.evals()) {
      ObjectNode point =
          evals.addObject().put("step", e.step()).put("loss", e.loss()).put("tokens", e.tokens());
      if (e.copyLoss() != null) {
        point.put("copy_probe_loss", e.copyLoss());
      }
    }
    ArrayNode steps = root.putArray("train");
    for (Pretrainer.StepStats st : r.steps()) {
      steps
          .addObject()
          .put("step", st.step())
          .put("loss", round(st.loss()))
          .put("lr", st.lr())
          .put("grad_norm", round(st.gradNorm()))
          .put("tokens_per_s", Math.round(st.tokensPerSecond()));
    }
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
  }

  static String csv(Pretrainer.Result r) {
    StringBuilder b = new StringBuilder("step,train_loss,lr,heldout_loss,copy_probe_loss\n");
    int e = 0;
    for (Pretrainer.StepStats st : r.steps()) {
      String held = "";
      String copy = "";
      while (e < r.evals().size() && r.evals().get(e).step() < st.step()) {
        e++;
      }
      if (e < r.evals().size() && r.evals().get(e).step() == st.step()) {
        held = String.format(java.util.Locale.ROOT, "%.4f", r.evals().get(e).loss());
        Double c = r.evals().get(e).copyLoss();
        copy = c == null ? "" : String.format(java.util.Locale.ROOT, "%.4f", c);
      }
      b.append(st.step())
          .append(',')
          .append(String.format(java.util.Locale.ROOT, "%.4f", st.loss()))
          .append(',')
          .append(String.format(java.util.Locale.ROOT, "%.6g", st.lr()))
          .append(',')
          .append(held)
          .append(',')
          .append(copy)
          .append('\n');
    }
    return b.toString();
  }

  private static double round(double v) {
    return Math.round(v * 10000) / 10000.0;
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
