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

  /** Steps between checkpoints when a job does not set {@code checkpoint_every}. */
  @WithDefault("50")
  int checkpointEvery();

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

  /** Code version recorded in lineage, e.g. {@code 0.1.0+abc1234}. */
  @WithDefault("${quarkus.application.version:0.1.0}")
  String codeVersion();
}
