package dev.cura.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.engine.data.Example;
import dev.cura.engine.model.LlamaLoader;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.nn.ComputeDevice;
import dev.cura.engine.nn.LoraParams;
import dev.cura.engine.testutil.TinyModelDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A training step moves between host and device memory exactly what it means to, counted through
 * the engine's device abstraction ({@link ComputeDevice}) on the CPU:
 *
 * <ul>
 *   <li>per micro-batch: token ids, target ids and target weights up; the loss down;
 *   <li>per step: the gradient norm down (one float64 summed on the device);
 *   <li>per LoRA tensor on a GPU: its paged AdamW moments m and v up and back down (4 transfers);
 *       on the CPU none — the update runs over the parameter's own storage, where the moments
 *       already are ({@code AdamW}; {@code AdamWOnDeviceTest} checks the GPU route's arithmetic).
 * </ul>
 *
 * RoPE tables and the causal mask are uploaded once per sequence length and then stay on the device
 * (the first step pays for them). Nothing else: the count would grow with layers or linears if a
 * per-layer copy crept in, and the source scan below keeps the step's code from reading tensors
 * back by any route that bypasses the counter.
 */
class HostTransferTest {
  @ParameterizedTest
  @ValueSource(strings = {"none", "nf4"})
  void aStepMakesOnlyTheTransfersItMeans(String quantName, @TempDir Path tmp) throws Exception {
    LoadOptions.Quant quant = LoadOptions.Quant.parse(quantName);
    Path dir = TinyModelDir.create(tmp.resolve("model"), 2);
    List<Example> train = TrainerTest.examples(dir, tmp);
    int gradAccum = 2;
    TrainConfig cfg =
        TrainerTest.config(dir, TrainerTest.data(tmp), tmp.resolve("out"), quant, 3).toBuilder()
            .optSpec(s -> s.gradientAccumulationSteps(gradAccum).checkpointEvery(100))
            .build();
    ComputeDevice device = ComputeDevice.cpu();
    List<ComputeDevice.Transfers> atStep = new ArrayList<>();
    int params;
    try (LlamaModel model = LlamaLoader.load(dir, LoadOptions.cpu(quant))) {
      atStep.add(device.transfers());
      Trainer.train(
          model,
          train,
          null,
          0,
          cfg,
          new TrainingListener() {
            @Override
            public void onStep(StepMetrics s) {
              atStep.add(device.transfers());
            }
          });
      params = LoraParams.params(model).size();
    }
    assertEquals(2 * 7 * 2, params); // 2 layers × 7 linears × (A, B)
    for (int step = 2; step <= 3; step++) {
      ComputeDevice.Transfers d = atStep.get(step).minus(atStep.get(step - 1));
      assertEquals(gradAccum * 3, d.uploads(), "uploads in step " + step);
      assertEquals(gradAccum + 1, d.downloads(), "downloads in step " + step);
    }
    ComputeDevice.Transfers first = atStep.get(1).minus(atStep.get(0));
    assertEquals(gradAccum * 3 + 3, first.uploads(), "first step: + cos, sin, mask");
  }

  /** The step's code reads no tensor back except through {@link ComputeDevice}. */
  @Test
  void stepCodeHasNoUncountedTransfers() throws Exception {
    Pattern direct =
        Pattern.compile(
            "\\.(toFloatArray|toDoubleArray|toLongArray|toIntArray|toByteArray|toArray|getDouble"
                + "|getFloat|getLong|toByteBuffer)\\(|Nd\\.(floats|longs|uint8|owned)\\(");
    Path src = Path.of("src/main/java/dev/cura/engine");
    for (String file :
        List.of(
            "train/CheckpointedStep.java",
            "train/CausalLmLoss.java",
            "train/Trainer.java",
            "model/DecoderLayer.java",
            "optim/AdamWOnDevice.java")) {
      String text = Files.readString(src.resolve(file));
      Matcher m = direct.matcher(text);
      boolean found = m.find();
      assertTrue(
          !found, file + " copies between host and device directly: " + (found ? m.group() : ""));
    }
    // and the counter is where the model's forward takes its constants from
    String model = Files.readString(src.resolve("model/LlamaModel.java"));
    assertTrue(model.contains("device().upload("), "LlamaModel uploads through ComputeDevice");
  }
}
