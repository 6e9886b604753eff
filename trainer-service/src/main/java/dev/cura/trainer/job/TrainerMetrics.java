package dev.cura.trainer.job;

import dev.cura.events.JobSpec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The trainer's meters (Prometheus names in brackets). Tags come from small closed sets only:
 * {@code device} (cpu, cuda), {@code optimizer} ({@link JobSpec#OPTIMIZERS}, else {@code other}),
 * {@code outcome} (trained, failed, cancelled, republished, stopped) — never job ids.
 *
 * <ul>
 *   <li>{@code cura.train.steps} [cura_train_steps_total]: optimizer steps done
 *   <li>{@code cura.train.step.duration} [cura_train_step_duration_seconds]: wall time per step
 *   <li>{@code cura.train.tokens_per_second} [cura_train_tokens_per_second]: throughput of the last
 *       step
 *   <li>{@code cura.train.loss} [cura_train_loss]: loss of the last step
 *   <li>{@code cura.train.checkpoint.duration} [cura_train_checkpoint_duration_seconds]: time to
 *       put a checkpoint into the store and record it
 *   <li>{@code cura.train.active_jobs} [cura_train_active_jobs]: jobs training on this instance
 *   <li>{@code cura.optimizer.paged.bytes} [cura_optimizer_paged_bytes_total]: optimizer-state
 *       bytes moved between pages and compute memory
 *   <li>{@code cura.train.peak_memory} [cura_train_peak_memory_bytes]: peak memory of the last step
 *   <li>{@code cura.train.jobs} [cura_train_jobs_total]: job deliveries handled, by outcome
 * </ul>
 */
public final class TrainerMetrics {
  private final MeterRegistry registry;
  private final String device;
  // gauges hold the last step's numbers as raw double bits (lock-free, read by the scraper)
  private final AtomicLong lastTokensPerSecond = new AtomicLong(Double.doubleToLongBits(0));
  private final AtomicLong lastLoss = new AtomicLong(Double.doubleToLongBits(Double.NaN));
  private final AtomicLong peakMemory = new AtomicLong();
  private final Timer checkpointDuration;

  public TrainerMetrics(MeterRegistry registry, String device, Supplier<Number> activeJobs) {
    this.registry = registry;
    this.device = device;
    lastStepGauge(
            "cura.train.tokens_per_second",
            "training throughput of the last step",
            () -> Double.longBitsToDouble(lastTokensPerSecond.get()))
        .register(registry);
    lastStepGauge(
            "cura.train.loss",
            "training loss of the last step",
            () -> Double.longBitsToDouble(lastLoss.get()))
        .register(registry);
    lastStepGauge(
            "cura.train.peak_memory",
            "peak memory of the last step (device memory on GPU, resident set on CPU)",
            peakMemory::get)
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("cura.train.active_jobs", activeJobs)
        .description("jobs training on this instance")
        .register(registry);
    checkpointDuration =
        Timer.builder("cura.train.checkpoint.duration")
            .description("time to store and record one checkpoint")
            .tag("device", device)
            .register(registry);
    // created up front so dashboards see zeros before the first job
    steps(JobSpec.DEFAULT_OPTIMIZER);
    paged(JobSpec.DEFAULT_OPTIMIZER);
    stepTimer(JobSpec.DEFAULT_OPTIMIZER);
  }

  /** Records one finished step. */
  public void step(String optimizer, StepStats s) {
    steps(optimizer).increment();
    Timer stepTimer = stepTimer(optimizer);
    if (Double.isFinite(s.seconds())) {
      stepTimer.record(Duration.ofNanos((long) (s.seconds() * 1e9)));
    }
    if (s.pagedBytes() > 0) {
      paged(optimizer).increment(s.pagedBytes());
    }
    lastTokensPerSecond.set(Double.doubleToLongBits(s.tokensPerSecond()));
    lastLoss.set(Double.doubleToLongBits(s.loss()));
    peakMemory.set(s.peakMemoryBytes());
  }

  /** Records the time one checkpoint took to store. */
  public void checkpoint(Duration d) {
    checkpointDuration.record(d);
  }

  /** Counts one handled delivery. */
  public void job(JobOutcome outcome) {
    Counter.builder("cura.train.jobs")
        .description("job deliveries handled, by outcome")
        .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
        .register(registry)
        .increment();
  }

  private Gauge.Builder<Supplier<Number>> lastStepGauge(
      String name, String description, Supplier<Number> value) {
    return Gauge.builder(name, value).description(description).tag("device", device);
  }

  private Timer stepTimer(String optimizer) {
    return Timer.builder("cura.train.step.duration")
        .description("wall time of one optimizer step")
        .tags(deviceAndOptimizer(optimizer))
        .register(registry);
  }

  private Counter steps(String optimizer) {
    return Counter.builder("cura.train.steps")
        .description("optimizer steps done")
        .tags(deviceAndOptimizer(optimizer))
        .register(registry);
  }

  private Counter paged(String optimizer) {
    return Counter.builder("cura.optimizer.paged.bytes")
        .description("optimizer-state bytes moved between pages and compute memory")
        .tag("optimizer", optimizerTag(optimizer))
        .register(registry);
  }

  private Tags deviceAndOptimizer(String optimizer) {
    return Tags.of("device", device, "optimizer", optimizerTag(optimizer));
  }

  private static String optimizerTag(String optimizer) {
    return JobSpec.OPTIMIZERS.contains(optimizer) ? optimizer : "other";
  }
}
