package dev.cura.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.cura.engine.data.BatchSampler;
import dev.cura.engine.data.Example;
import dev.cura.engine.model.LlamaModel;
import java.util.List;

/** Mean causal-LM loss over target tokens of a set of examples (no dropout, no gradients). */
public final class Evaluator {
  private Evaluator() {}

  /**
   * Result.
   *
   * @param loss mean NLL per target token
   * @param tokens number of target tokens
   */
  public record Result(double loss, long tokens) {
    public double perplexity() {
      return Math.exp(loss);
    }
  }

  public static Result evaluate(LlamaModel model, List<Example> examples, int batchSize) {
    double nll = 0;
    long tokens = 0;
    try (NDManager root = NDManager.newBaseManager()) {
      for (int i = 0; i < examples.size(); i += batchSize) {
        Batch b =
            BatchSampler.collate(examples.subList(i, Math.min(examples.size(), i + batchSize)), 0);
        int n = b.targetTokens();
        if (n == 0) {
          continue;
        }
        try (NDManager m = root.newSubManager()) {
          NDArray ids = m.create(b.ids(), new Shape(b.batch(), b.length()));
          NDArray logits = model.logits(ids, m);
          nll +=
              CausalLmLoss.compute(logits, b, 1.0, m).toType(DataType.FLOAT64, false).getDouble();
        }
        tokens += n;
      }
    }
    return new Result(tokens == 0 ? Double.NaN : nll / tokens, tokens);
  }
}
