package dev.cura.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.nn.LoraConfig;
import dev.cura.engine.optim.OptimizerKind;
import dev.cura.events.JobFailed;
import dev.cura.events.JobSpec;
import dev.cura.trainer.job.JobException;
import dev.cura.trainer.job.TrainingPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a job's settings become cura-engine's TrainConfig. */
class CuraEngineTrainingTest {
  @TempDir Path tmp;

  /**
   * The trainer warms the engine at start (libtorch loaded, one op run) so a take-over does not.
   */
  @Test
  void warmUpRunsAnOpOnTheDevice() {
    org.junit.jupiter.api.Assertions.assertDoesNotThrow(
        () -> new CuraEngineTraining().warmUp("cpu"));
  }

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

  @Test
  void aJobThatCannotFitTheWorkerIsRefusedBeforeAnythingIsLoaded() throws Exception {
    // only config.json: the check must not need the weights (nothing is loaded before it)
    Path base = Files.createDirectories(tmp.resolve("base"));
    Files.copy(Path.of("../models/cura-tiny/config.json"), base.resolve("config.json"));
    long eightGiB = 8L << 30;
    JobSpec huge = JobSpec.builder().batchSize(1024).seqLen(131072).build();
    var e =
        assertThrows(
            JobException.class,
            () -> new CuraEngineTraining().train(sized(huge, base, eightGiB), null));
    assertEquals(JobFailed.Code.USER_ERROR, e.code());
    assertTrue(e.getMessage().contains("training.batch_size (1024)"), e.getMessage());
    assertTrue(e.getMessage().contains("training.seq_len (131072)"), e.getMessage());
    assertTrue(e.getMessage().contains("8.00 GiB"), e.getMessage());
    // the bundled demo job on the same base fits easily (the plan, not the check, would fail)
    CuraEngineTraining.refuseIfTooBig(sized(JobSpec.builder().build(), base, eightGiB));
    assertFalse(Files.exists(tmp.resolve("run")), "nothing was written for the refused job");
  }

  private TrainingPlan sized(JobSpec spec, Path base, long budget) throws Exception {
    TrainingPlan p = plan(spec, null);
    return new TrainingPlan(
        p.jobId(),
        base,
        p.baseModelName(),
        p.trainFile(),
        null,
        p.spec(),
        "cpu",
        budget,
        tmp,
        null);
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
