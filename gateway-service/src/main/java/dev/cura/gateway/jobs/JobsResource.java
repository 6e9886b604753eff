package dev.cura.gateway.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.rest.api.ApiException;
import dev.cura.rest.api.ListPage;
import dev.cura.rest.auth.Caller;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

/**
 * The fine-tuning jobs API (DESIGN §3), shaped after OpenAI's: create, list ({@code after}, {@code
 * limit}; newest first), get, cancel, events (JSON page, or a live {@code text/event-stream}) and
 * checkpoints. Every query is scoped to the caller's tenant: another tenant's job is a 404.
 */
@Path("/v1/fine_tuning/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {
  private final Caller caller;
  private final JobService jobs;
  private final JobEventStream stream;
  private final StreamLimits limits;

  JobsResource(Caller caller, JobService jobs, JobEventStream stream, StreamLimits limits) {
    this.caller = caller;
    this.jobs = jobs;
    this.stream = stream;
    this.limits = limits;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Uni<JobView> create(JsonNode body) {
    return jobs.create(caller.tenant(), body).map(JobView::of);
  }

  @GET
  @WithSession
  public Uni<ListPage<JobView>> list(
      @QueryParam("after") String after, @QueryParam("limit") Integer limit) {
    String tenant = caller.tenant();
    int n = ListPage.limit(limit);
    Uni<Job> cursor = after == null ? Uni.createFrom().nullItem() : owned(tenant, after, "after");
    return cursor
        .flatMap(
            c ->
                c == null
                    ? Job.<Job>find("tenant = ?1 order by createdAt desc, id desc", tenant)
                        .page(0, n + 1)
                        .list()
                    : Job.<Job>find(
                            "tenant = ?1 and (createdAt < ?2 or (createdAt = ?2 and id < ?3))"
                                + " order by createdAt desc, id desc",
                            tenant,
                            c.createdAt,
                            c.id)
                        .page(0, n + 1)
                        .list())
        .map(rows -> ListPage.fromOverfetch(rows.stream().map(JobView::of).toList(), n));
  }

  @GET
  @Path("{id}")
  @WithSession
  public Uni<JobView> get(@PathParam("id") String id) {
    return owned(caller.tenant(), id, null).map(JobView::of);
  }

  @POST
  @Path("{id}/cancel")
  public Uni<JobView> cancel(@PathParam("id") String id) {
    return jobs.cancel(caller.tenant(), id).map(JobView::of);
  }

  @GET
  @Path("{id}/events")
  @WithSession
  public Uni<ListPage<JobEventView>> events(
      @PathParam("id") String id,
      @QueryParam("after") String after,
      @QueryParam("limit") Integer limit) {
    return page(id, after, limit, false).map(p -> p.map(JobEventView::of));
  }

  /**
   * The same events as a live stream: past entries first, then new ones, until the job ends (or the
   * stream's idle timeout or lifetime, {@link StreamLimits}). Reached with {@code Accept:
   * text/event-stream} on {@code …/events} (see {@code SseRouting}); {@link JobStreamAccess} has
   * checked that the job is the caller's.
   */
  @GET
  @Path("{id}/events/stream")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  public Multi<OutboundSseEvent> eventStream(
      @PathParam("id") String id,
      @HeaderParam("Last-Event-ID") String lastEventId,
      @Context Sse sse) {
    long after = 0;
    if (lastEventId != null) {
      after = JobEventView.seqOf(lastEventId.trim());
      if (after < 0) {
        throw ApiException.invalid(
            "Last-Event-ID",
            "Last-Event-ID must be an event id of this stream (ftevent-<n>), got '"
                + lastEventId
                + "'");
      }
    }
    StreamLimits.Slot slot = limits.acquire(caller.tenant());
    return stream.stream(id, after, limits)
        .map(
            item ->
                item.event() == null
                    ? sse.newEventBuilder().comment("keep-alive").build()
                    : sse.newEventBuilder()
                        .id(item.event().id())
                        .name(item.event().type())
                        .mediaType(MediaType.APPLICATION_JSON_TYPE)
                        .data(JobEventView.class, item.event())
                        .build())
        .onTermination()
        .invoke(slot::close);
  }

  @GET
  @Path("{id}/checkpoints")
  @WithSession
  public Uni<ListPage<CheckpointView>> checkpoints(
      @PathParam("id") String id,
      @QueryParam("after") String after,
      @QueryParam("limit") Integer limit) {
    String cursor = after == null ? null : after.replaceFirst("^ftckpt-", "ftevent-");
    return page(id, cursor, limit, true).map(p -> p.map(r -> CheckpointView.of(p.job, r)));
  }

  /**
   * OpenAI's pause and resume. CURA cannot hold a training run half-way (a trainer owns a job until
   * it ends), and OpenAI's status set has no {@code paused}: a 400 that says so, which the SDKs
   * raise as their bad-request error.
   */
  @POST
  @Path("{id}/pause")
  @WithSession
  public Uni<JobView> pause(@PathParam("id") String id) {
    return unsupported(id, "pause");
  }

  @POST
  @Path("{id}/resume")
  @WithSession
  public Uni<JobView> resume(@PathParam("id") String id) {
    return unsupported(id, "resume");
  }

  private Uni<JobView> unsupported(String id, String what) {
    return owned(caller.tenant(), id, null)
        .map(
            job -> {
              throw ApiException.badRequest(
                  "unsupported_operation",
                  "CURA cannot "
                      + what
                      + " a fine-tuning job; cancel it and create a new one instead",
                  null);
            });
  }

  private record Page(Job job, java.util.List<JobEventRow> rows, boolean more) {
    <T> ListPage<T> map(java.util.function.Function<JobEventRow, T> f) {
      return ListPage.of(rows.stream().map(f).toList(), more);
    }
  }

  /** Newest first, as OpenAI lists events; {@code after} is the last id of the previous page. */
  private Uni<Page> page(String id, String after, Integer limit, boolean checkpointsOnly) {
    int n = ListPage.limit(limit);
    long afterSeq = Long.MAX_VALUE;
    if (after != null) {
      afterSeq = JobEventView.seqOf(after);
      if (afterSeq < 0) {
        throw ApiException.invalid(
            "after", "after must be an id from a previous page, got '" + after + "'");
      }
    }
    long before = afterSeq;
    String kind = checkpointsOnly ? " and kind = 'checkpoint'" : "";
    return owned(caller.tenant(), id, null)
        .flatMap(
            job ->
                JobEventRow.<JobEventRow>find(
                        "jobId = ?1 and seq < ?2" + kind + " order by seq desc", job.id, before)
                    .page(0, n + 1)
                    .list()
                    .map(
                        rows ->
                            new Page(
                                job,
                                rows.size() > n ? rows.subList(0, n) : rows,
                                rows.size() > n)));
  }

  /** The tenant's job, or a 404 (another tenant's job is as absent as a missing one). */
  private static Uni<Job> owned(String tenant, String id, String param) {
    return Job.<Job>findById(id)
        .map(
            j -> {
              if (j == null || !j.tenant.equals(tenant)) {
                if (param != null) {
                  throw ApiException.invalid(
                      param, param + " must be a job id of yours, got '" + id + "'");
                }
                throw ApiException.notFound("fine-tuning job", id);
              }
              return j;
            });
  }
}
