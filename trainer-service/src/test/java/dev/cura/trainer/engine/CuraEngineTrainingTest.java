package dev.cura.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.nn.LoraConfig;
import dev.cura.engine.optim.OptimizerKind;
import dev.cura.events.JobSpec;
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
  void theJobSpecIsTheEnginesSpec() throws Exception {
    JobSpec spec = JobSpec.builder().epochs(2).batchSize(2).seqLen(128).seed(5L).build();
    var cfg = CuraEngineTraining.config(plan(spec, null), tmp.resolve("out"));
    assertEquals(spec.toBuilder().checkpointEvery(3).build(), cfg.spec());
    // 5 examples, 2 per step → 3 steps per epoch, 2 epochs
    assertEquals(6, cfg.steps(5));
    assertEquals(LoraConfig.ALL_LINEARS, cfg.lora().targets(), "absent targets = all linears");
    assertEquals(0.0, cfg.weightDecay(), "absent weight decay = 0");
    assertEquals(OptimizerKind.PAGED_ADAMW_32BIT, cfg.optimizer());
    assertEquals(3, cfg.saveEvery());
    assertFalse(cfg.resume());
    assertEquals(LoadOptions.Quant.NF4, cfg.quant());
  }

  @Test
  void jobSettingsOverrideTheDefaults() throws Exception {
    JobSpec spec =
        JobSpec.builder()
            .loraR(8)
            .loraAlpha(16.0)
            .loraDropout(0.1)
            .targetModules(List.of("q_proj", "v_proj"))
            .quantType("none")
            .doubleQuant(false)
            .optimizer("paged_adamw_8bit")
            .learningRate(1e-3)
            .weightDecay(0.01)
            .batchSize(4)
            .seqLen(256)
            .seed(9L)
            .maxSteps(40)
            .build();
    var cfg = CuraEngineTraining.config(plan(spec, tmp.resolve("ckpt")), tmp.resolve("out"));
    assertEquals(40, cfg.steps(1));
    assertEquals(8, cfg.lora().rank());
    assertEquals(16.0, cfg.lora().alpha());
    assertEquals(List.of("q_proj", "v_proj"), cfg.lora().targets());
    assertEquals(1e-3, cfg.lr());
    assertEquals(0.01, cfg.weightDecay());
    assertEquals(OptimizerKind.PAGED_ADAMW_8BIT, cfg.optimizer());
    assertEquals(LoadOptions.Quant.NONE, cfg.quant());
    assertTrue(cfg.resume(), "a plan with a checkpoint resumes");
  }

  @Test
  void anUnknownTargetModuleIsRefusedNamingTheSpecField() throws Exception {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CuraEngineTraining.config(
                    plan(JobSpec.builder().targetModules(List.of("qkv")).build(), null),
                    tmp.resolve("out")));
    assertTrue(e.getMessage().startsWith("lora.target_modules"), e.getMessage());
    assertTrue(e.getMessage().contains("'qkv'"), e.getMessage());
  }

  private TrainingPlan plan(JobSpec spec, Path resumeFrom) throws Exception {
    Path data = tmp.resolve("train.jsonl");
    Files.writeString(data, "{\"prompt\":\"a\",\"completion\":\"b\"}\n");
    return new TrainingPlan(
        "ftjob-x",
        tmp,
        "cura-tiny",
        data,
        null,
        spec.toBuilder().checkpointEvery(3).build(),
        "cpu",
        Long.MAX_VALUE,
        tmp,
        resumeFrom);
  }
}
