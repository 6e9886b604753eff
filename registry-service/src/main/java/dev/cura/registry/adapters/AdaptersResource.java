package dev.cura.registry.adapters;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.rest.api.ApiException;
import dev.cura.rest.api.ListPage;
import dev.cura.rest.auth.Caller;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.PathPart;

/**
 * The registry API (DESIGN §3): adapters, their immutable versions with lineage, file downloads
 * (ETag = the file's SHA-256, single byte ranges) and aliases. Scoped to the caller's tenant:
 * another tenant's adapter is a 404. A version may be given as a number, {@code latest} or an
 * alias.
 */
@Path("/v1/adapters")
@Produces(MediaType.APPLICATION_JSON)
public class AdaptersResource {
  private static final Pattern ALIAS = Pattern.compile("[a-z][a-z0-9._-]{0,63}");

  private final Caller caller;
  private final RegistryService registry;
  private final MeterRegistry meters;

  AdaptersResource(Caller caller, RegistryService registry, MeterRegistry meters) {
    this.caller = caller;
    this.registry = registry;
    this.meters = meters;
  }

  /** An adapter and its latest version. */
  public record AdapterView(
      String object, String name, int latestVersion, long createdAt, long updatedAt) {
    static AdapterView of(Adapter a) {
      return new AdapterView(
          "adapter",
          a.name,
          a.latestVersion,
          a.createdAt.getEpochSecond(),
          a.updatedAt.getEpochSecond());
    }
  }

  /** One version with its lineage and files. */
  public record VersionView(
      String object,
      String id,
      String name,
      int version,
      String digest,
      String uri,
      String jobId,
      long createdAt,
      @JsonRawValue String metrics,
      @JsonRawValue String files,
      @JsonRawValue String lineage) {
    static VersionView of(AdapterVersion v) {
      return new VersionView(
          "adapter.version",
          v.name + ":" + v.version,
          v.name,
          v.version,
          v.digest,
          v.uri,
          v.jobId,
          v.createdAt.getEpochSecond(),
          v.metrics,
          v.files,
          v.lineage);
    }
  }

  /** An alias. */
  public record AliasView(
      String object, String adapter, String alias, int version, long updatedAt) {
    static AliasView of(Alias a) {
      return new AliasView(
          "adapter.alias", a.adapter, a.alias, a.version, a.updatedAt.getEpochSecond());
    }
  }

  /** Body of {@code PUT …/aliases/{alias}}. */
  public record SetAlias(Integer version) {}

  @GET
  @WithSession
  public Uni<ListPage<AdapterView>> list() {
    return Adapter.<Adapter>find("tenant = ?1 order by name", caller.tenant())
        .list()
        .map(rows -> ListPage.of(rows.stream().map(AdapterView::of).toList(), false));
  }

  @GET
  @Path("{name}/versions")
  @WithSession
  public Uni<ListPage<VersionView>> versions(@PathParam("name") String name) {
    String tenant = caller.tenant();
    return adapter(tenant, name)
        .flatMap(
            a ->
                AdapterVersion.<AdapterVersion>find(
                        "tenant = ?1 and name = ?2 order by version desc", tenant, name)
                    .list())
        .map(rows -> ListPage.of(rows.stream().map(VersionView::of).toList(), false));
  }

  @GET
  @Path("{name}/versions/{v}")
  @WithSession
  public Uni<VersionView> version(@PathParam("name") String name, @PathParam("v") String v) {
    return resolve(caller.tenant(), name, v).map(VersionView::of);
  }

  @GET
  @Path("{name}/versions/{v}/files/{file}")
  @Produces(MediaType.WILDCARD)
  @WithSession
  public Uni<Response> file(
      @PathParam("name") String name,
      @PathParam("v") String v,
      @PathParam("file") String file,
      @HeaderParam("Range") String range,
      @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
    if (!AdapterArtifacts.FILES.contains(file)) {
      throw ApiException.notFound(
          "adapter file", file + " (files: " + AdapterArtifacts.FILES + ")");
    }
    return resolve(caller.tenant(), name, v)
        .map(
            ver -> {
              JsonNode info;
              try {
                info = RegistryService.JSON.readTree(ver.files).path(file);
              } catch (Exception e) {
                throw new IllegalStateException(
                    "version " + ver.id + " has unreadable file info", e);
              }
              String etag = "\"" + info.path("sha256").asText() + "\"";
              long size = info.path("bytes").asLong();
              java.nio.file.Path path = registry.artifacts().dir(ver.digest).resolve(file);
              String type =
                  file.endsWith(".json")
                      ? MediaType.APPLICATION_JSON
                      : MediaType.APPLICATION_OCTET_STREAM;
              if (etag.equals(ifNoneMatch)) {
                return Response.notModified().tag(info.path("sha256").asText()).build();
              }
              if (!java.nio.file.Files.isRegularFile(path)) {
                throw new ApiException(
                    410,
                    "artifact_missing",
                    "the file of "
                        + ver.name
                        + ":"
                        + ver.version
                        + " is no longer in the artifact store",
                    null);
              }
              meters.counter("cura.registry.downloads", "file", file).increment();
              Optional<ByteRange> r;
              try {
                r = ByteRange.parse(range, size);
              } catch (ByteRange.Unsatisfiable e) {
                return dev.cura.rest.api.ErrorMappers.response(
                    new ApiException(416, "range_not_satisfiable", e.getMessage(), "Range")
                        .withHeader("Content-Range", "bytes */" + size));
              }
              var builder =
                  r.isPresent()
                      ? Response.status(206)
                          .header("Content-Range", r.get().contentRange(size))
                          .entity(new PathPart(path, r.get().start(), r.get().length()))
                      : Response.ok(path);
              return builder
                  .type(type)
                  .header(HttpHeaders.ETAG, etag)
                  .header("Accept-Ranges", "bytes")
                  .header("Content-Disposition", "attachment; filename=\"" + file + "\"")
                  .build();
            });
  }

  @PUT
  @Path("{name}/aliases/{alias}")
  @Consumes(MediaType.APPLICATION_JSON)
  @WithTransaction
  public Uni<AliasView> setAlias(
      @PathParam("name") String name, @PathParam("alias") String alias, SetAlias body) {
    String tenant = caller.tenant();
    if (!ALIAS.matcher(alias).matches() || alias.equals("latest")) {
      throw ApiException.invalid(
          "alias",
          "alias must be 1-64 characters of a-z, 0-9, '.', '_' or '-' starting with a letter, and not 'latest', got '"
              + alias
              + "'");
    }
    if (body == null || body.version() == null || body.version() < 1) {
      throw ApiException.invalid(
          "version",
          "expected {\"version\": N} with N >= 1, got "
              + (body == null ? "no body" : body.version()));
    }
    return resolve(tenant, name, String.valueOf(body.version()))
        .flatMap(
            ver ->
                Alias.<Alias>findById(tenant + "/" + name + "/" + alias)
                    .flatMap(
                        existing -> {
                          Alias a = existing != null ? existing : new Alias();
                          a.id = tenant + "/" + name + "/" + alias;
                          a.tenant = tenant;
                          a.adapter = name;
                          a.alias = alias;
                          a.version = ver.version;
                          a.updatedAt = Instant.now();
                          return a.<Alias>persist();
                        }))
        .map(AliasView::of);
  }

  @GET
  @Path("{name}/aliases/{alias}")
  @WithSession
  public Uni<AliasView> alias(@PathParam("name") String name, @PathParam("alias") String alias) {
    String tenant = caller.tenant();
    return Alias.<Alias>findById(tenant + "/" + name + "/" + alias)
        .map(
            a -> {
              if (a == null) {
                throw ApiException.notFound("alias", name + "/" + alias);
              }
              return AliasView.of(a);
            });
  }

  private static Uni<Adapter> adapter(String tenant, String name) {
    return Adapter.<Adapter>findById(Adapter.key(tenant, name))
        .map(
            a -> {
              if (a == null) {
                throw ApiException.notFound("adapter", name);
              }
              return a;
            });
  }

  /** A version by number, {@code latest} or alias. */
  private static Uni<AdapterVersion> resolve(String tenant, String name, String v) {
    Uni<Integer> number;
    if (v.matches("[0-9]{1,9}")) {
      number = Uni.createFrom().item(Integer.parseInt(v));
    } else if (v.equals("latest")) {
      number = adapter(tenant, name).map(a -> a.latestVersion);
    } else {
      number =
          Alias.<Alias>findById(tenant + "/" + name + "/" + v)
              .map(
                  a -> {
                    if (a == null) {
                      throw ApiException.notFound(
                          "version", name + ":" + v + " (a number, 'latest' or an alias)");
                    }
                    return a.version;
                  });
    }
    return number.flatMap(
        n ->
            AdapterVersion.<AdapterVersion>find(
                    "tenant = ?1 and name = ?2 and version = ?3", tenant, name, n)
                .firstResult()
                .map(
                    ver -> {
                      if (ver == null) {
                        throw ApiException.notFound("version", name + ":" + n);
                      }
                      return ver;
                    }));
  }
}
