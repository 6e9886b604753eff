package dev.cura.trainer.job;

import dev.cura.events.JobSpec;
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
 * @param spec the job's settings: valid, defaults filled in, the checkpoint interval set (the job's
 *     or the trainer's)
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
    JobSpec spec,
    String device,
    long memoryBudgetBytes,
    Path workDir,
    Path resumeFrom) {}
