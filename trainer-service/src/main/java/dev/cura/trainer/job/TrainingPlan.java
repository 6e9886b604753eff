package dev.cura.trainer.job;

import dev.cura.events.LoraConfig;
import dev.cura.events.OptimizerConfig;
import dev.cura.events.QuantConfig;
import dev.cura.events.TrainingConfig;
import java.nio.file.Path;

/**
 * Everything a {@link TrainingEngine} needs for one run, resolved to local files.
 *
 * @param jobId the job (for logs)
 * @param baseModelDir the quantized base (HF directory with bitsandbytes keys), read only
 * @param baseModelName the base model's name for {@code adapter_config.json}'s {@code
 *     base_model_name_or_path}
 * @param trainFile training JSONL (chat {@code messages} or {@code prompt}/{@code completion})
 * @param validationFile validation JSONL; null when none
 * @param lora LoRA settings of the job
 * @param quantization how the base is stored
 * @param optimizer optimizer and learning rate
 * @param training loop settings (epochs, batch, sequence length, seed, max steps)
 * @param checkpointEvery steps between checkpoints
 * @param device {@code cpu} or {@code cuda}
 * @param memoryBudgetBytes memory the run may use on this worker; a job estimated to need more is
 *     refused before anything is loaded
 * @param workDir writable scratch directory of this run (checkpoints and the adapter are written
 *     below it)
 * @param resumeFrom checkpoint directory to continue from, read only; null for a fresh start
 */
public record TrainingPlan(
    String jobId,
    Path baseModelDir,
    String baseModelName,
    Path trainFile,
    Path validationFile,
    LoraConfig lora,
    QuantConfig quantization,
    OptimizerConfig optimizer,
    TrainingConfig training,
    int checkpointEvery,
    String device,
    long memoryBudgetBytes,
    Path workDir,
    Path resumeFrom) {}
