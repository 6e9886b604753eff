package dev.cura.trainer;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** {@code cura.trainer.*} settings (application.properties; env in brackets there). */
@ConfigMapping(prefix = "cura.trainer")
public interface TrainerConfig {

  /** {@code auto} (CUDA when a GPU is visible, else CPU), {@code cpu} or {@code cuda}. */
  @WithDefault("auto")
  String device();

  /** Jobs trained at the same time by one instance. */
  @WithDefault("1")
  int maxConcurrentJobs();

  /**
   * Steps between checkpoints when a job does not set {@code checkpoint_every}; absent: the job
   * spec's default ({@code JobSpec.DEFAULT_CHECKPOINT_EVERY}).
   */
  Optional<Integer> checkpointEvery();

  /** Steps between {@code TrainingProgress} events. */
  @WithDefault("5")
  int progressEvery();

  /** Local scratch space for running jobs; default {@code <java.io.tmpdir>/cura-trainer}. */
  Optional<Path> workDir();

  /** How long shutdown waits for running jobs to reach a step boundary. */
  @WithDefault("60s")
  Duration stopGrace();

  /** How long publishing one event may take before the job fails. */
  @WithDefault("2m")
  Duration publishTimeout();

  /**
   * A token that allows {@code POST /v1/trainer/drain} from outside the pod ({@code
   * CURA_TRAINER_DRAIN_TOKEN}); without one only loopback callers may drain.
   */
  Optional<String> drainToken();

  /**
   * Runs of one job that may die (the trainer process killed: native out-of-memory, an abort) in
   * their first training step — where a job's memory peaks — without the job reaching a new
   * checkpoint, before the job is failed instead of redelivered.
   */
  @WithDefault("3")
  int maxAttempts();

  /**
   * Runs of one job that may die elsewhere — while loading (the base model, the checkpoint, the
   * data) or after completing a step — without the job reaching a new checkpoint, before the job is
   * failed. Generous: a trainer killed from outside (a restart, a node drain, crash chaos) dies
   * there whatever job it holds, yet a job whose loading or later steps kill every trainer must end
   * instead of being redelivered forever.
   */
  @WithDefault("10")
  int maxInterruptedRuns();

  /**
   * How long a job's holder may go without a heartbeat in the job's lease before another trainer
   * takes the job over (a SIGKILL'd trainer's jobs wait at most this long on top of the consumer
   * session timeout).
   */
  @WithDefault("5s")
  Duration leaseStale();

  /**
   * Memory a job may need on this worker, in bytes (RAM on CPU, device memory on a GPU); absent =
   * what the machine (container) has. Jobs estimated to need more are refused up front.
   */
  Optional<Long> memoryLimit();

  /** Code version recorded in lineage, e.g. {@code 0.1.0+abc1234}. */
  @WithDefault("${quarkus.application.version:0.1.0}")
  String codeVersion();
}
