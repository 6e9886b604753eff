package dev.cura.gateway;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;

/** Job rows written straight into PostgreSQL, for tests that need one in a given state. */
public final class JobRows {
  private JobRows() {}

  /**
   * A row as the API writes it (tenant {@code default}, base model {@code cura-tiny}, created and
   * updated at {@code at}), without its outbox record and log entry: no relay moves it on.
   */
  public static void insert(Pool pool, String id, String status, OffsetDateTime at) {
    pool.preparedQuery(
            "INSERT INTO gw_job (id, tenant, status, model, hyperparameters, quantization,"
                + " optimizer, seed, adapter_name, source, created_at, updated_at)"
                + " VALUES ($1, 'default', $2, 'cura-tiny', '{}', '{}', 'paged_adamw_32bit', 7,"
                + " 'test-adapter', 'rest', $3, $3)")
        .execute(Tuple.of(id, status, at))
        .await()
        .atMost(Duration.ofSeconds(60));
  }
}
