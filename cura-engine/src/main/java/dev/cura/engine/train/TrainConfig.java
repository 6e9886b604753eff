package dev.cura.engine.train;

import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.nn.LoraConfig;
import java.nio.file.Path;

/**
 * Everything a training run needs. Defaults ({@link #defaults}) follow the QLoRA recipe where it
 * applies (QLORA-SPEC §8): NF4, LoRA on all linears, paged_adamw_32bit, max grad norm 0.3, constant
 * schedule with 3% warmup, weight decay 0.
 *
 * @param model HF checkpoint or quantized-artifact directory (with tokenizer.json)
 * @param data training JSONL
 * @param validation optional validation JSONL (eval_loss in metrics.json), null for none
 * @param out output directory (PEFT adapter, metrics.json, checkpoints/)
 * @param quant base-weight storage
 * @param lora LoRA hyperparameters
 * @param lr learning rate
 * @param steps optimizer steps
 * @param batchSize sequences per micro-batch
 * @param gradAccum micro-batches per optimizer step
 * @param seqLen max tokens per sequence
 * @param optimizer paged_adamw_32bit | paged_adamw_8bit | adamw_32bit
 * @param weightDecay decoupled weight decay
 * @param maxGradNorm global gradient-norm clip (≤ 0 disables)
 * @param warmupSteps linear warmup steps, then constant
 * @param seed seeds LoRA init, data order and dropout masks
 * @param packing concatenate examples into full rows
 * @param saveEvery checkpoint every N steps (≤ 0: only at the end)
 * @param resume continue from the latest checkpoint in out/checkpoints
 * @param pagedResidentBytes resident budget of paged optimizer states
 */
public record TrainConfig(
    Path model,
    Path data,
    Path validation,
    Path out,
    LoadOptions.Quant quant,
    LoraConfig lora,
    double lr,
    int steps,
    int batchSize,
    int gradAccum,
    int seqLen,
    String optimizer,
    double weightDecay,
    double maxGradNorm,
    int warmupSteps,
    long seed,
    boolean packing,
    int saveEvery,
    boolean resume,
    long pagedResidentBytes) {

  public TrainConfig {
    if (steps < 1) {
      throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
    }
    if (!(lr > 0)) {
      throw new IllegalArgumentException("--lr must be > 0, got " + lr);
    }
    if (gradAccum < 1) {
      throw new IllegalArgumentException("gradient accumulation must be >= 1, got " + gradAccum);
    }
  }

  /** Defaults for a model, data file and output directory. */
  public static TrainConfig defaults(Path model, Path data, Path out) {
    return new TrainConfig(
        model,
        data,
        null,
        out,
        LoadOptions.Quant.NF4,
        new LoraConfig(16, 32, 0.05, LoraConfig.ALL_LINEARS, false),
        2e-4,
        100,
        1,
        1,
        256,
        "paged_adamw_32bit",
        0.0,
        0.3,
        3,
        42,
        false,
        50,
        false,
        64L << 20);
  }

  public TrainConfig withSteps(int n) {
    return new TrainConfig(
        model,
        data,
        validation,
        out,
        quant,
        lora,
        lr,
        n,
        batchSize,
        gradAccum,
        seqLen,
        optimizer,
        weightDecay,
        maxGradNorm,
        warmupSteps,
        seed,
        packing,
        saveEvery,
        resume,
        pagedResidentBytes);
  }

  public TrainConfig withResume(boolean r) {
    return new TrainConfig(
        model,
        data,
        validation,
        out,
        quant,
        lora,
        lr,
        steps,
        batchSize,
        gradAccum,
        seqLen,
        optimizer,
        weightDecay,
        maxGradNorm,
        warmupSteps,
        seed,
        packing,
        saveEvery,
        r,
        pagedResidentBytes);
  }

  /** Learning rate at 1-based step t: linear warmup to lr, then constant. */
  public double lrAt(long t) {
    return warmupSteps > 0 && t <= warmupSteps ? lr * t / warmupSteps : lr;
  }
}
