package dev.cura.gateway.jobs;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Job metrics: {@code cura.jobs.submitted{outcome=accepted|rejected}} and the gauge {@code
 * cura.jobs{status}} — jobs per status over all tenants, refreshed from PostgreSQL every {@value
 * #REFRESH_MS} ms (a gauge read must not query the database; several gateway instances then all
 * report the same truth).
 */
@ApplicationScoped
public class JobMetrics {
  static final long REFRESH_MS = 5000;

  private final MeterRegistry meters;
  private final Pool pool;
  private final Vertx vertx;
  private final Map<JobStatus, AtomicLong> byStatus = new EnumMap<>(JobStatus.class);
  private final io.micrometer.core.instrument.Counter accepted;
  private final io.micrometer.core.instrument.Counter rejected;
  private long timer = -1;

  JobMetrics(MeterRegistry meters, Pool pool, Vertx vertx) {
    this.meters = meters;
    this.pool = pool;
    this.vertx = vertx;
    for (JobStatus s : JobStatus.values()) {
      byStatus.put(
          s,
          meters.gauge(
              "cura.jobs",
              java.util.List.of(io.micrometer.core.instrument.Tag.of("status", s.json())),
              new AtomicLong()));
    }
    accepted = meters.counter("cura.jobs.submitted", "outcome", "accepted");
    rejected = meters.counter("cura.jobs.submitted", "outcome", "rejected");
  }

  void onStart(@Observes StartupEvent ev) {
    timer = vertx.setPeriodic(REFRESH_MS, id -> refresh());
  }

  void onStop(@Observes ShutdownEvent ev) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Counts a submission; {@code outcome} is {@code accepted} or {@code rejected}. */
  public void submitted(String outcome) {
    switch (outcome) {
      case "accepted" -> accepted.increment();
      case "rejected" -> rejected.increment();
      default -> meters.counter("cura.jobs.submitted", "outcome", outcome).increment();
    }
  }

  /** Re-reads the per-status counts. */
  public void refresh() {
    // unclaimed rows (events that came before their job's request) are nobody's jobs yet
    pool.query("SELECT status, count(*) AS n FROM gw_job WHERE tenant <> '' GROUP BY status")
        .execute()
        .subscribe()
        .with(
            rows -> {
              var seen = new EnumMap<JobStatus, Long>(JobStatus.class);
              for (Row r : rows) {
                try {
                  seen.put(JobStatus.fromJson(r.getString("status")), r.getLong("n"));
                } catch (IllegalArgumentException e) {
                  // a status this build does not know (a newer gateway wrote it): not counted
                }
              }
              byStatus.forEach((s, g) -> g.set(seen.getOrDefault(s, 0L)));
            },
            t -> {
              // the table may not exist yet at the first tick; the next tick retries
            });
  }
}
