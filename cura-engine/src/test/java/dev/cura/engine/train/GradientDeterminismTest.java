package dev.cura.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.cura.engine.data.BatchSampler;
import dev.cura.engine.data.Example;
import dev.cura.engine.model.LlamaLoader;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.nn.LoraConfig;
import dev.cura.engine.nn.LoraParams;
import dev.cura.engine.nn.Nd;
import dev.cura.engine.testutil.TinyModelDir;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same micro-batch gives bit-identical LoRA gradients however the garbage collector runs.
 *
 * <p>Regression test for the root cause of the flaky {@code resumeIsBitExact}: DJL's {@code
 * NDArray.mul(Number)} wraps the number in a Java direct buffer and frees the wrapper after the op,
 * but autograd keeps that scalar for the backward; once the collector freed and reused the buffer,
 * the backward read garbage. A competing thread forces collections throughout, which made 4 of 4
 * repeats differ before the fix (scalars now live in libtorch memory, see {@link Nd#mul}).
 */
class GradientDeterminismTest {
  @ParameterizedTest
  @ValueSource(strings = {"none", "nf4"})
  void gradientsDoNotDependOnGarbageCollection(String quantName, @TempDir Path tmp)
      throws Exception {
    LoadOptions.Quant quant = LoadOptions.Quant.parse(quantName);
    Path model = TinyModelDir.create(tmp.resolve("model"), 2);
    List<Example> train = TrainerTest.examples(model, tmp);
    AtomicBoolean running = new AtomicBoolean(true);
    Thread collector = new Thread(() -> churn(running), "gc-churn");
    collector.setDaemon(true);
    collector.start();
    try {
      List<float[]> first = gradients(model, train, quant);
      for (int repeat = 1; repeat < 4; repeat++) {
        List<float[]> again = gradients(model, train, quant);
        assertEquals(first.size(), again.size());
        for (int k = 0; k < first.size(); k++) {
          assertArrayEquals(first.get(k), again.get(k), "repeat " + repeat + ", tensor " + k);
        }
      }
    } finally {
      running.set(false);
      collector.join();
    }
  }

  /** LoRA gradients of one checkpointed forward/backward, with B non-zero so every path counts. */
  private static List<float[]> gradients(Path dir, List<Example> train, LoadOptions.Quant quant)
      throws Exception {
    try (LlamaModel model = LlamaLoader.load(dir, LoadOptions.cpu(quant))) {
      LoraParams.attach(model, new LoraConfig(4, 8, 0.1, LoraConfig.ALL_LINEARS, false), 11);
      List<LoraParams.Param> params = LoraParams.params(model);
      for (LoraParams.Param p : params) {
        float[] v = p.value().toFloatArray();
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) Math.sin(i + p.name().length());
        }
        Nd.assign(p.value(), v);
      }
      Batch batch = new BatchSampler(train, 2, 32, 11, false, 0).next();
      try (NDManager root = NDManager.newBaseManager()) {
        new CheckpointedStep(model).forwardBackward(batch, 10, 11, 1, 0, root);
      }
      List<float[]> grads = new ArrayList<>();
      for (LoraParams.Param p : params) {
        try (NDArray g = p.value().getGradient()) {
          grads.add(g.toFloatArray());
        }
      }
      return grads;
    }
  }

  private static void churn(AtomicBoolean running) {
    while (running.get()) {
      System.gc();
      byte[][] junk = new byte[64][];
      for (int i = 0; i < junk.length; i++) {
        junk[i] = new byte[1 << 16];
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
