package dev.cura.engine.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.model.LlamaLoader;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.testutil.TinyModelDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PretrainerTest {
  /**
   * Full-parameter training from scratch learns a repetitive corpus (loss at least halves in 40
   * steps — a character model of a 3-sentence corpus is far easier than that) and writes a
   * checkpoint that loads back to the same function.
   */
  @Test
  void pretrainsFromScratchAndWritesALoadableCheckpoint(@TempDir Path tmp) throws Exception {
    Path tokDir = tmp.resolve("tok");
    TinyModelDir.writeTokenizer(tokDir);
    Files.writeString(
        tokDir.resolve("tokenizer_config.json"),
        "{\"bos_token\": \"<s>\", \"eos_token\": \"</s>\"}");
    Path corpus = tmp.resolve("corpus.txt");
    Files.writeString(
        corpus,
        "the cat sat on the mat.\n\nthe dog sat on the log.\n\nthe bird sat on the word.\n\n"
            .repeat(20));
    LlamaConfig cfg = LlamaConfig.of(TinyModelDir.VOCAB, 32, 64, 2, 4, 2, true);
    Path out = tmp.resolve("out");
    List<Double> losses =
        Pretrainer.run(
            new Pretrainer.Settings(cfg, tokDir, corpus, out, 40, 4, 32, 1e-2, 5, 1),
            TrainingListener.NONE);
    double first = losses.get(0);
    double last = (losses.get(38) + losses.get(39)) / 2;
    assertTrue(last < 0.5 * first, "loss " + first + " → " + last);

    try (LlamaModel a = LlamaLoader.load(out, LoadOptions.cpu(LoadOptions.Quant.NONE));
        var tok = dev.cura.engine.data.TextTokenizer.load(out, cfg);
        NDManager m = NDManager.newBaseManager()) {
      long[] ids = tok.encode("the dog sat on the log.");
      Batch b = new Batch(ids, ids.clone(), 1, ids.length);
      NDArray logits = a.logits(m.create(ids, new Shape(1, ids.length)), m);
      double loss = CausalLmLoss.compute(logits, b, b.targetTokens(), m).getFloat();
      assertTrue(loss < 0.6 * first, "reloaded model loss " + loss + " vs initial " + first);
    }
    assertTrue(Files.isRegularFile(out.resolve("tokenizer.json")));
  }
}
