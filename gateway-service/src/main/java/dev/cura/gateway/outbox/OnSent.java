package dev.cura.gateway.outbox;

/**
 * What else commits with the relay's deletion of the rows the broker acknowledged ({@link
 * OutboxRelay}): the state that follows from an event being on the bus is written in the same
 * transaction, with no commit of its own.
 */
public interface OnSent {
  /**
   * The rest of the statement {@code WITH sent AS (DELETE FROM gw_outbox ... RETURNING topic,
   * record_key, created_at), <this>}: further CTEs and the final statement, reading the deleted
   * rows from {@code sent}. It must not fail for any row the outbox can hold, or nothing is deleted
   * and the rows are sent again.
   */
  String sql();
}
