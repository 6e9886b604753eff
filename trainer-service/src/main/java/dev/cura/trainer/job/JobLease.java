package dev.cura.trainer.job;

import dev.cura.core.util.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Who may write a job's state now: an epoch fence in the job's ledger, so that after a rebalance
 * the old owner of a job stops before the new one starts writing.
 *
 * <p>Files under {@code <ledger>/lease/}: {@code epoch-<n>} (created once: the first trainer to
 * create it holds epoch n), {@code epoch-<n>.beat} (its heartbeat: the wall-clock time, rewritten
 * every second by the holder while it runs), {@code epoch-<n>.started} (the holder stopped waiting
 * and may write) and {@code epoch-<n>.released} (the holder stopped). A trainer that takes a job
 * over:
 *
 * <ol>
 *   <li>claims the next epoch m;
 *   <li>waits until every earlier epoch is released, or its heartbeat is stale — older than {@code
 *       stale} by the clock, or not advanced for {@code stale} while we watched (a SIGKILL'd holder
 *       beats no more, so a dead one costs at most {@code stale});
 *   <li>marks its epoch started and only then writes (checkpoint pointer, attempts, outcome).
 * </ol>
 *
 * The old holder sees the newer epoch at its next step boundary ({@link #isCurrent}) and stops
 * there — writing its stop checkpoint first, which the new owner, still waiting, then resumes from
 * — and releases its epoch. Before every write it checks {@link #mayWrite}: once a newer holder has
 * started (it judged this one dead: a frozen process that wakes up), this one writes nothing.
 */
public final class JobLease implements AutoCloseable {
  private static final Pattern EPOCH = Pattern.compile("epoch-(\\d+)");

  private final Path dir;
  private final long epoch;
  private volatile boolean released;

  private JobLease(Path dir, long epoch) {
    this.dir = dir;
    this.epoch = epoch;
  }

  /**
   * Claims the next epoch of the job whose ledger is {@code ledgerDir} and waits until the earlier
   * holders are gone.
   *
   * @param owner who claims it (for operators reading the files)
   * @param stale how long a holder may go without a heartbeat before it counts as dead
   * @param giveUp polled while waiting; true ends the wait (this trainer is stopping)
   * @return the lease, or null when {@code giveUp} said so or a newer epoch appeared meanwhile (the
   *     job moved on again); the claimed epoch is released then
   */
  public static JobLease acquire(
      Path ledgerDir, String owner, Duration stale, BooleanSupplier giveUp)
      throws IOException, InterruptedException {
    Path dir = ledgerDir.resolve("lease");
    Files.createDirectories(dir);
    long m = latest(dir).orElse(0) + 1;
    byte[] claim = (owner + " " + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8);
    while (!AtomicFiles.createOnce(dir.resolve("epoch-" + m), claim)) {
      m++;
    }
    var lease = new JobLease(dir, m);
    lease.beat();
    Map<Long, Seen> watched = new HashMap<>();
    while (true) {
      if (giveUp.getAsBoolean() || !lease.isCurrent()) {
        lease.close();
        return null;
      }
      boolean clear = true;
      for (long k = 1; k < m; k++) {
        if (!lease.gone(k, stale, watched)) {
          clear = false;
          break;
        }
      }
      if (clear) {
        AtomicFiles.replace(dir.resolve("epoch-" + m + ".started"), new byte[0]);
        return lease;
      }
      Thread.sleep(200);
    }
  }

  /** This lease's epoch. */
  public long epoch() {
    return epoch;
  }

  /** True while no newer epoch has been claimed (nobody is taking the job over). */
  public boolean isCurrent() throws IOException {
    return !released && latest(dir).orElse(0) <= epoch;
  }

  /** True while this holder may write: not released, and no newer holder has started. */
  public boolean mayWrite() throws IOException {
    if (released) {
      return false;
    }
    long last = latest(dir).orElse(0);
    for (long k = epoch + 1; k <= last; k++) {
      if (Files.exists(dir.resolve("epoch-" + k + ".started"))) {
        return false;
      }
    }
    return true;
  }

  /** Rewrites the heartbeat (a scheduler calls this every second while the job runs here). */
  public void beat() throws IOException {
    if (!released) {
      AtomicFiles.replace(
          dir.resolve("epoch-" + epoch + ".beat"),
          Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Releases the epoch: a trainer waiting for it may start. */
  @Override
  public void close() throws IOException {
    if (!released) {
      released = true;
      AtomicFiles.replace(dir.resolve("epoch-" + epoch + ".released"), new byte[0]);
    }
  }

  /** A heartbeat value and when we first saw it. */
  private record Seen(String beat, long since) {}

  private boolean gone(long k, Duration stale, Map<Long, Seen> watched) throws IOException {
    if (Files.exists(dir.resolve("epoch-" + k + ".released"))
        || !Files.exists(dir.resolve("epoch-" + k))) {
      return true;
    }
    Path beatFile = dir.resolve("epoch-" + k + ".beat");
    String beat = Files.exists(beatFile) ? Files.readString(beatFile).trim() : "";
    long now = System.currentTimeMillis();
    long beatMillis;
    try {
      beatMillis = Long.parseLong(beat);
    } catch (NumberFormatException e) {
      beatMillis = 0;
    }
    if (now - beatMillis > stale.toMillis()) {
      return true;
    }
    // a holder whose clock runs ahead of ours: judge by whether its heartbeat still advances
    Seen seen = watched.get(k);
    if (seen == null || !seen.beat().equals(beat)) {
      watched.put(k, new Seen(beat, now));
      return false;
    }
    return now - seen.since() > stale.toMillis();
  }

  private static OptionalLong latest(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return OptionalLong.empty();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> EPOCH.matcher(p.getFileName().toString()))
          .filter(Matcher::matches)
          .mapToLong(mm -> Long.parseLong(mm.group(1)))
          .max();
    }
  }
}
