package dev.cura.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.core.quant.QuantType;
import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.nn.LoraConfig;
import dev.cura.engine.optim.OptimizerKind;
import dev.cura.events.InvalidJobSpecException;
import dev.cura.events.JobSpec;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The training configuration takes its settings and defaults from the one job spec. */
class TrainConfigTest {
  static final Path M = Path.of("model");
  static final Path D = Path.of("train.jsonl");
  static final Path O = Path.of("out");

  private static TrainConfig.Builder base() {
    return TrainConfig.builder().setModel(M).setData(D).setOutput(O);
  }

  @Test
  void defaultsAreTheSpecsDefaults() {
    TrainConfig c = base().build();
    assertEquals(JobSpec.builder().build(), c.spec());
    assertEquals(LoadOptions.Quant.NF4, c.quant());
    assertEquals(
        new LoraConfig(
            JobSpec.DEFAULT_LORA_R,
            JobSpec.DEFAULT_LORA_ALPHA,
            JobSpec.DEFAULT_LORA_DROPOUT,
            LoraConfig.ALL_LINEARS,
            false),
        c.lora());
    assertEquals(OptimizerKind.PAGED_ADAMW_32BIT, c.optimizer());
    assertEquals(JobSpec.DEFAULT_CHECKPOINT_EVERY, c.saveEvery());
    assertEquals(TrainConfig.DEFAULT_PAGED_RESIDENT_BYTES, c.pagedResidentBytes());
    assertEquals(3, c.warmupSteps(100));
    assertEquals(2e-4 / 3, c.lrAt(1, 3), 1e-18);
    assertEquals(2e-4, c.lrAt(4, 3));
  }

  @Test
  void specSettingsReachTheEngineViews() {
    TrainConfig c =
        base()
            .optSpec(
                s ->
                    s.quantType("fp4")
                        .blocksize(128)
                        .doubleQuant(false)
                        .optimizer("paged_adamw_8bit")
                        .targetModules(List.of("q_proj", "v_proj"))
                        .useRslora(true)
                        .maxSteps(9))
            .optResume(true)
            .build();
    assertEquals(new LoadOptions.Quant(QuantType.FP4, 128, false), c.quant());
    assertEquals(OptimizerKind.PAGED_ADAMW_8BIT, c.optimizer());
    assertEquals(List.of("q_proj", "v_proj"), c.lora().targets());
    assertTrue(c.lora().rslora());
    assertEquals(9, c.steps(1000));
    assertTrue(c.resume());
    assertEquals(c.spec(), c.toBuilder().build().spec());
  }

  @Test
  void invalidSettingsAreRefusedNamingTheSpecFieldNotAFlag() {
    var e =
        assertThrows(
            InvalidJobSpecException.class,
            () -> base().optSpec(s -> s.learningRate(0.0).maxSteps(0)).build());
    assertEquals(
        "optimizer.learning_rate must be a number in (0, 1], got 0; "
            + "training.max_steps must be an integer in 1..100000000, got 0",
        e.getMessage());
    var unknownTarget =
        assertThrows(
            IllegalArgumentException.class,
            () -> base().optSpec(s -> s.targetModules(List.of("qkv"))).build());
    assertTrue(
        unknownTarget.getMessage().startsWith("lora.target_modules"), unknownTarget.getMessage());
    var noModel = assertThrows(IllegalArgumentException.class, () -> TrainConfig.builder().build());
    assertTrue(noModel.getMessage().contains("setModel"), noModel.getMessage());
  }

  /** Quant types and block sizes are the spec's closed sets; cura-core's codec covers them. */
  @Test
  void theSpecsQuantTypesAndBlockSizesAreTheCodecs() {
    List<String> codec =
        Stream.concat(Arrays.stream(QuantType.values()).map(QuantType::jsonName), Stream.of("none"))
            .toList();
    assertEquals(JobSpec.QUANT_TYPES, codec);
    assertEquals(JobSpec.BLOCK_SIZES, Arrays.stream(QuantType.BLOCKSIZES).boxed().toList());
    assertEquals(QuantType.DEFAULT_BLOCKSIZE, JobSpec.DEFAULT_BLOCKSIZE);
    for (String t : JobSpec.QUANT_TYPES) {
      assertEquals(t, LoadOptions.Quant.parse(t).specName());
    }
  }
}
