package dev.cura.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.events.JobSpec.Field;
import dev.cura.events.JobSpec.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobSpecTest {
  @Test
  void anEmptyBuilderGivesTheQloraDefaultsAndIsValid() {
    JobSpec s = JobSpec.builder().build();
    assertEquals(List.of(), s.violations());
    assertEquals(new LoraConfig(64, 16.0, 0.1, null, false), s.lora());
    assertEquals(new QuantConfig("nf4", true, 64), s.quantization());
    assertEquals(new OptimizerConfig("paged_adamw_32bit", 2e-4, 0.0), s.optimizer());
    assertEquals(
        new TrainingConfig(1, 16, 512, 42L, null, null, 1, 0.03, 0.3, false, null), s.training());
  }

  @Test
  void withDefaultsFillsOnlyTheOptionalSettingsThatHaveOne() {
    var event =
        new JobSpec(
            new LoraConfig(8, 16, 0, null),
            new QuantConfig("fp4", false, null),
            new OptimizerConfig("adamw_32bit", 1e-3, null),
            new TrainingConfig(2, 4, 128, 7L, null, null));
    JobSpec s = event.withDefaults();
    assertEquals(false, s.lora().useRslora());
    assertNull(s.lora().targetModules(), "absent targets mean all linears");
    assertEquals(64, s.quantization().blocksize());
    assertEquals(0.0, s.optimizer().weightDecay());
    assertEquals(1, s.training().gradientAccumulationSteps());
    assertNull(s.training().maxSteps(), "absent max steps mean run the epochs");
    assertNull(s.training().checkpointEvery(), "absent interval is the trainer's setting");
    assertEquals(s, s.withDefaults(), "idempotent");
  }

  @Test
  void everyViolationNamesItsFieldAndWhatWasExpected() {
    JobSpec s =
        JobSpec.builder()
            .loraR(0)
            .loraAlpha(0.0)
            .loraDropout(1.0)
            .targetModules(List.of("q_proj", "q_proj"))
            .quantType("int8")
            .blocksize(48)
            .optimizer("sgd")
            .learningRate(Double.NaN)
            .weightDecay(-0.1)
            .epochs(0)
            .batchSize(2000)
            .seqLen(4)
            .seed(-1L)
            .maxSteps(0)
            .checkpointEvery(0)
            .gradientAccumulationSteps(0)
            .warmupRatio(1.0)
            .maxGradNorm(-1.0)
            .computeDtype("fp16")
            .build();
    List<String> messages = s.violations().stream().map(Violation::message).toList();
    assertEquals(
        List.of(
            "lora.r must be an integer in 1..1024, got 0",
            "lora.alpha must be a number in (0, 100000], got 0",
            "lora.dropout must be a number in [0, 1), got 1",
            "lora.target_modules names 'q_proj' twice",
            "quantization.type must be one of [nf4, fp4, none], got 'int8'",
            "quantization.blocksize must be one of [32, 64, 128, 256, 512, 1024, 2048, 4096], got 48",
            "optimizer.name must be one of [paged_adamw_32bit, paged_adamw_8bit, adamw_32bit], got 'sgd'",
            "optimizer.learning_rate must be a number in (0, 1], got NaN",
            "optimizer.weight_decay must be a number in [0, 1], got -0.1",
            "training.epochs must be an integer in 1..100, got 0",
            "training.batch_size must be an integer in 1..1024, got 2000",
            "training.seq_len must be an integer in 8..131072, got 4",
            "training.seed must be a non-negative integer, got -1",
            "training.max_steps must be an integer in 1..100000000, got 0",
            "training.checkpoint_every must be an integer in 1..100000000, got 0",
            "training.gradient_accumulation_steps must be an integer in 1..1024, got 0",
            "training.warmup_ratio must be a number in [0, 1), got 1",
            "training.max_grad_norm must be a number in [0, 1000000], got -1",
            "training.compute_dtype must be one of [bf16, fp32], got 'fp16'"),
        messages);
    var e = assertThrows(InvalidJobSpecException.class, s::requireValid);
    assertEquals(19, e.violations().size());
    assertTrue(e.getMessage().startsWith("lora.r must be"), e.getMessage());
  }

  @Test
  void aViolationCanBeWordedWithTheCallersNameForTheField() {
    Violation v = JobSpec.builder().loraR(0).build().violations().get(0);
    assertEquals(Field.LORA_R, v.field());
    assertEquals("--rank must be an integer in 1..1024, got 0", v.messageFor("--rank"));
  }

  @Test
  void targetModulesMustBeNamesAndNotEmpty() {
    assertEquals(
        "lora.target_modules must name at least one module (absent = all linears)",
        JobSpec.builder().targetModules(List.of()).build().violations().get(0).message());
    assertEquals(
        "lora.target_modules must hold module names of letters, digits, '_' and '.', got 'q proj'",
        JobSpec.builder().targetModules(List.of("q proj")).build().violations().get(0).message());
    assertEquals(
        List.of(),
        JobSpec.builder().targetModules(List.of("q_proj", "v_proj")).build().violations());
  }

  @Test
  void stepsAreMaxStepsOrEpochsTimesStepsPerEpoch() {
    // 5 rows, 2 sequences per micro-batch × 2 micro-batches = 4 per step → 2 steps per epoch
    JobSpec s = JobSpec.builder().epochs(3).batchSize(2).gradientAccumulationSteps(2).build();
    assertEquals(4, s.sequencesPerStep());
    assertEquals(6, s.steps(5));
    assertEquals(3, s.steps(0), "an epoch is at least one step");
    assertEquals(40, JobSpec.builder().maxSteps(40).build().steps(5));
  }

  @Test
  void warmupIsTheCeilingOfRatioTimesSteps() {
    JobSpec s = JobSpec.builder().build();
    assertEquals(3, s.warmupSteps(100)); // transformers: ceil(0.03 · 100)
    assertEquals(1, s.warmupSteps(10));
    assertEquals(0, JobSpec.builder().warmupRatio(0.0).build().warmupSteps(100));
  }

  @Test
  void theDefaultsAreMembersOfTheirClosedSets() {
    assertEquals(JobSpec.OPTIMIZERS.get(0), JobSpec.DEFAULT_OPTIMIZER);
    assertTrue(JobSpec.QUANT_TYPES.contains(JobSpec.DEFAULT_QUANT_TYPE));
    assertTrue(JobSpec.BLOCK_SIZES.contains(JobSpec.DEFAULT_BLOCKSIZE));
  }

  @Test
  void toBuilderKeepsEverySetting() {
    JobSpec s =
        JobSpec.builder()
            .loraR(8)
            .targetModules(List.of("q_proj"))
            .useRslora(true)
            .quantType("fp4")
            .blocksize(128)
            .weightDecay(0.01)
            .maxSteps(9)
            .checkpointEvery(3)
            .gradientAccumulationSteps(2)
            .warmupRatio(0.1)
            .maxGradNorm(1.0)
            .packing(true)
            .computeDtype("bf16")
            .seed(5L)
            .build();
    assertEquals(s, s.toBuilder().build());
    assertEquals("bf16", s.training().computeDtype());
    assertNull(
        JobSpec.builder().build().training().computeDtype(),
        "absent compute dtype is the trainer's device default");
    assertEquals(4, s.toBuilder().loraR(4).build().lora().r());
  }

  /** A value of each field's type that is no default, so a setter or getter mixed up shows. */
  private static Object sample(Field f) {
    Class<?> t = f.type();
    if (t == Integer.class) {
      return 1000 + f.ordinal();
    }
    if (t == Long.class) {
      return 1000L + f.ordinal();
    }
    if (t == Double.class) {
      return 0.5 + f.ordinal();
    }
    if (t == Boolean.class) {
      return !(Boolean) JobSpec.builder().build().get(f);
    }
    if (t == List.class) {
      return List.of("f" + f.ordinal());
    }
    return "s" + f.ordinal();
  }

  @Test
  void everyFieldIsSetAndReadByItsName() {
    for (Field f : Field.values()) {
      Object v = sample(f);
      assertTrue(f.type().isInstance(v), f + " takes " + f.type().getSimpleName());
      JobSpec s = JobSpec.builder().set(f, v).build();
      assertEquals(v, s.get(f), f.path());
      for (Field other : Field.values()) {
        if (other != f) {
          assertEquals(JobSpec.builder().build().get(other), s.get(other), f + " set " + other);
        }
      }
    }
  }

  @Test
  void anEventMissingASectionIsRefused() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new JobSpec(null, null, null, new TrainingConfig(1, 1, 8, 1L, null, null)));
    assertTrue(e.getMessage().contains("lora"), e.getMessage());
  }
}
