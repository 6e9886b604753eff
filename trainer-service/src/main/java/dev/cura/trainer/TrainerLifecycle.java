package dev.cura.trainer;

import dev.cura.core.store.ArtifactStore;
import dev.cura.core.store.JobOwners;
import dev.cura.events.JobSpec;
import dev.cura.messaging.KafkaEvents;
import dev.cura.trainer.job.JobRunner;
import dev.cura.trainer.job.ScratchSpace;
import dev.cura.trainer.job.StoreJobArtifacts;
import dev.cura.trainer.job.TrainerMetrics;
import dev.cura.trainer.job.TrainerSettings;
import dev.cura.trainer.job.TrainingEngine;
import dev.cura.trainer.job.TrainingWorker;
import dev.cura.trainer.messaging.EventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Wires the trainer's library parts (job runner, worker, metrics, store) from configuration and
 * starts/stops the worker with the application. On shutdown running jobs stop at a step boundary
 * without acknowledging their records, so the next trainer resumes them from their checkpoints.
 */
@Singleton
public class TrainerLifecycle {
  private static final Logger LOG = Logger.getLogger(TrainerLifecycle.class);

  private final TrainerConfig config;
  private final TrainerSettings settings;
  private final TrainingWorker worker;
  private final ScratchSpace scratch;
  private final JobOwners owners;
  private final TrainingEngine engine;

  TrainerLifecycle(
      TrainerConfig config,
      MeterRegistry registry,
      EventPublisher publisher,
      KafkaEvents events,
      TrainingEngine engine,
      @ConfigProperty(name = "cura.artifact-root") Path artifactRoot)
      throws IOException {
    this.config = config;
    this.engine = engine;
    this.scratch =
        ScratchSpace.open(
            config
                .workDir()
                .orElse(Path.of(System.getProperty("java.io.tmpdir"), "cura-trainer"))
                .toAbsolutePath());
    String device = DeviceSelector.resolve(config.device());
    this.settings =
        new TrainerSettings(
            events.source(),
            device,
            config.checkpointEvery().orElse(JobSpec.DEFAULT_CHECKPOINT_EVERY),
            config.progressEvery(),
            scratch.dir(),
            config.codeVersion(),
            config.maxAttempts(),
            config.maxInterruptedRuns(),
            config.leaseStale(),
            DeviceSelector.memoryBudget(device, config.memoryLimit()));
    this.owners = new JobOwners(artifactRoot);
    var workerRef = new AtomicReference<TrainingWorker>();
    var metrics =
        new TrainerMetrics(
            registry,
            settings.device(),
            () -> workerRef.get() == null ? 0 : workerRef.get().activeJobs());
    var runner =
        new JobRunner(
            new StoreJobArtifacts(new ArtifactStore(artifactRoot)),
            engine,
            new KafkaJobEvents(publisher, config.publishTimeout()),
            metrics,
            settings);
    this.worker = new TrainingWorker(runner, config.maxConcurrentJobs());
    workerRef.set(worker);
  }

  void onStart(@Observes StartupEvent e) {
    worker.start();
    // the native libraries load while the trainer waits for work, not when a job (often one taken
    // over from a trainer that died) is already waiting for them
    Thread.ofPlatform()
        .name("cura-engine-warm-up")
        .daemon()
        .start(
            () -> {
              long t0 = System.nanoTime();
              try {
                engine.warmUp(settings.device());
                LOG.infof(
                    "engine warmed up on %s in %.1f s",
                    settings.device(), (System.nanoTime() - t0) / 1e9);
              } catch (Exception | LinkageError ex) {
                // the first job loads it then, and reports what fails
                LOG.warnf("engine warm-up failed (%s); the first job loads it", ex.toString());
              }
            });
    LOG.infof(
        "trainer ready: device %s, %d job slot(s), artifacts under the configured root",
        settings.device(), config.maxConcurrentJobs());
  }

  void onStop(@Observes ShutdownEvent e) {
    if (worker.stop(config.stopGrace())) {
      scratch.close();
    } else {
      LOG.warnf(
          "jobs still running after %s; they resume elsewhere from their checkpoints",
          config.stopGrace());
    }
  }

  /** The job worker. */
  public TrainingWorker worker() {
    return worker;
  }

  /** Which tenant owns which job id (shared through the artifact root). */
  public JobOwners owners() {
    return owners;
  }

  /** This instance's settings (device, intervals). */
  public TrainerSettings settings() {
    return settings;
  }

  /** Job slots of this instance. */
  public int slots() {
    return config.maxConcurrentJobs();
  }
}
