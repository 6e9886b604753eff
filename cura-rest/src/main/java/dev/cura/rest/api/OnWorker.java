package dev.cura.rest.api;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;

/**
 * Runs blocking work (file IO, hashing) on a worker thread and resumes on the caller's Vert.x
 * context, where Hibernate Reactive keeps its session — a plain {@code runSubscriptionOn} would
 * leave the rest of the pipeline on the worker, which Hibernate Reactive refuses.
 */
public final class OnWorker {
  private OnWorker() {}

  public static <T> Uni<T> call(Callable<T> work) {
    Context ctx = Vertx.currentContext();
    if (ctx == null) {
      return Uni.createFrom().item(() -> uncheck(work));
    }
    return Uni.createFrom()
        .emitter(
            em ->
                ctx.<T>executeBlocking(work, false)
                    .onComplete(
                        ar -> {
                          if (ar.succeeded()) {
                            em.complete(ar.result());
                          } else {
                            em.fail(ar.cause());
                          }
                        }));
  }

  private static <T> T uncheck(Callable<T> work) {
    try {
      return work.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
