package dev.cura.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.nn.LoraConfig;
import dev.cura.events.OptimizerConfig;
import dev.cura.events.QuantConfig;
import dev.cura.events.TrainingConfig;
import dev.cura.trainer.job.TrainingPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a job's settings become cura-engine's TrainConfig. */
class CuraEngineTrainingTest {
  @TempDir Path tmp;

  @Test
  void withoutMaxStepsEpochsTimesBatchesPerEpoch() throws Exception {
    Path data = tmp.resolve("train.jsonl");
    // 5 examples (a blank line is not one), batch 2 → 3 batches per epoch
    Files.writeString(data, "{\"prompt\":\"a\",\"completion\":\"b\"}\n".repeat(5) + "\n");
    var cfg =
        CuraEngineTraining.config(
            plan(data, new TrainingConfig(2, 2, 128, 5L, null, null), null, "adamw_32bit", null),
            tmp.resolve("out"));
    assertEquals(6, cfg.steps());
    assertEquals(2, cfg.batchSize());
    assertEquals(128, cfg.seqLen());
    assertEquals(5L, cfg.seed());
    assertEquals(LoraConfig.ALL_LINEARS, cfg.lora().targets(), "absent targets = all linears");
    assertEquals(0.0, cfg.weightDecay(), "absent weight decay = 0");
    assertEquals("adamw_32bit", cfg.optimizer());
    assertEquals(3, cfg.saveEvery());
    assertFalse(cfg.resume());
    assertEquals(LoadOptions.Quant.NF4, cfg.quant());
  }

  @Test
  void jobSettingsOverrideTheDefaults() throws Exception {
    Path data = tmp.resolve("train.jsonl");
    Files.writeString(data, "{\"prompt\":\"a\",\"completion\":\"b\"}\n");
    var plan =
        new TrainingPlan(
            "ftjob-x",
            tmp,
            "cura-tiny",
            data,
            null,
            new dev.cura.events.LoraConfig(8, 16.0, 0.1, List.of("q_proj", "v_proj")),
            new QuantConfig("none", false, null),
            new OptimizerConfig("paged_adamw_8bit", 1e-3, 0.01),
            new TrainingConfig(1, 4, 256, 9L, 40, null),
            10,
            "cpu",
            Long.MAX_VALUE,
            tmp,
            tmp.resolve("ckpt"));
    var cfg = CuraEngineTraining.config(plan, tmp.resolve("out"));
    assertEquals(40, cfg.steps());
    assertEquals(8, cfg.lora().rank());
    assertEquals(16.0, cfg.lora().alpha());
    assertEquals(List.of("q_proj", "v_proj"), cfg.lora().targets());
    assertEquals(1e-3, cfg.lr());
    assertEquals(0.01, cfg.weightDecay());
    assertEquals(LoadOptions.Quant.NONE, cfg.quant());
    assertEquals(10, cfg.saveEvery());
    assertTrue(cfg.resume(), "a plan with a checkpoint resumes");
  }

  @Test
  void anUnknownTargetModuleIsRefusedWithTheKnownNames() throws Exception {
    Path data = tmp.resolve("train.jsonl");
    Files.writeString(data, "{\"prompt\":\"a\",\"completion\":\"b\"}\n");
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CuraEngineTraining.config(
                    plan(
                        data,
                        new TrainingConfig(1, 1, 64, 1L, 2, null),
                        List.of("qkv"),
                        "paged_adamw_32bit",
                        null),
                    tmp.resolve("out")));
    assertTrue(e.getMessage().contains("'qkv'"), e.getMessage());
  }

  @Test
  void settingsTheEngineCannotTrainWithAreRefusedByName() throws Exception {
    Path data = tmp.resolve("train.jsonl");
    Files.writeString(data, "{\"prompt\":\"a\",\"completion\":\"b\"}\n");
    var badBatch = plan(data, new TrainingConfig(1, 0, 64, 1L, 2, null), null, "adamw_32bit", null);
    var badSteps =
        plan(data, new TrainingConfig(0, 1, 64, 1L, null, null), null, "adamw_32bit", null);
    var badOptimizer = plan(data, new TrainingConfig(1, 1, 64, 1L, 2, null), null, "sgd", null);
    var badDecay = plan(data, new TrainingConfig(1, 1, 64, 1L, 2, null), null, "adamw_32bit", -0.1);
    assertEquals("training.batch_size must be at least 1, got 0", refusal(badBatch));
    assertEquals(
        "training.epochs must be at least 1 when max_steps is absent, got 0", refusal(badSteps));
    assertEquals(
        "optimizer.name must be one of [paged_adamw_32bit, paged_adamw_8bit, adamw_32bit], got 'sgd'",
        refusal(badOptimizer));
    assertEquals("optimizer.weight_decay must be >= 0, got -0.1", refusal(badDecay));
  }

  private String refusal(TrainingPlan plan) {
    return assertThrows(
            IllegalArgumentException.class,
            () -> CuraEngineTraining.config(plan, tmp.resolve("out")))
        .getMessage();
  }

  private TrainingPlan plan(
      Path data,
      TrainingConfig training,
      List<String> targets,
      String optimizer,
      Double weightDecay) {
    return new TrainingPlan(
        "ftjob-x",
        tmp,
        "cura-tiny",
        data,
        null,
        new dev.cura.events.LoraConfig(4, 8.0, 0.0, targets),
        new QuantConfig("nf4", true, 64),
        new OptimizerConfig(optimizer, 2e-4, weightDecay),
        training,
        3,
        "cpu",
        Long.MAX_VALUE,
        tmp,
        null);
  }
}
