package dev.cura.quantizer;

import dev.cura.core.models.ModelCatalog;
import dev.cura.core.models.ModelRoots;
import dev.cura.core.models.RegisteredModels;
import dev.cura.core.store.ArtifactStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Wiring: the store, the registered models (catalog in the store, read only inside the model roots)
 * and the worker pool behind {@link QuantizationJobs}.
 */
@ApplicationScoped
public class QuantizerBeans {
  @ConfigProperty(name = "cura.artifact-root")
  Path artifactRoot;

  @ConfigProperty(name = "cura.model-roots", defaultValue = "models")
  List<String> modelRoots;

  /** Quantizations run at once per instance (each uses all cores for its blocks). */
  @ConfigProperty(name = "cura.quantizer.concurrency", defaultValue = "1")
  int concurrency;

  /**
   * Created at start-up, not on the first record: its constructor registers the quantizer's meters,
   * which a fresh stack must export (at 0) before any job runs.
   */
  @Produces
  @Singleton
  @Startup
  QuantizationJobs jobs(MeterRegistry meters) {
    AtomicInteger n = new AtomicInteger();
    ExecutorService workers =
        new ThreadPoolExecutor(
            concurrency,
            concurrency,
            0,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "quantizer-worker-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    return new QuantizationJobs(
        new ArtifactStore(artifactRoot),
        new RegisteredModels(
            new ModelCatalog(artifactRoot),
            // CURA_MODEL_ROOTS separates roots with colons (as the gateway reads it) or commas
            new ModelRoots(String.join(",", modelRoots), Path.of(""))),
        workers,
        meters);
  }

  void close(@Disposes QuantizationJobs jobs) {
    jobs.shutdown();
  }
}
