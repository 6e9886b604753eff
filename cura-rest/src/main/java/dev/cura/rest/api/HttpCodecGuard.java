package dev.cura.rest.api;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.impl.Http1xOrH2CHandler;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.TCPServerBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Puts {@link MalformedHttp}'s handlers on every connection of this service's HTTP server, so that
 * a request Vert.x cannot even decode gets the {@link ErrorBody} shape too (issue 12: the error
 * shape on every error, "including those raised before our code").
 *
 * <p>Vert.x offers {@code HttpServer.invalidRequestHandler} for this, but Quarkus creates and
 * starts the server without a way to set it, so this hooks Netty instead: a handler on the bound
 * server channel sees each accepted connection first and adds an installer to it, which places the
 * two handlers once Vert.x has built the HTTP/1.1 pipeline. Reaching the bound channel takes one
 * reflective read of a Vert.x field ({@code TCPServerBase.bindFuture}); if a Vert.x upgrade renames
 * it, the service still runs (with Vert.x' empty answers) and logs why, and cura-rest's tests fail.
 */
@ApplicationScoped
public class HttpCodecGuard {
  private static final Logger LOG = Logger.getLogger(HttpCodecGuard.class);

  private final Duration headTimeout;
  private final boolean tls;
  private final Set<Channel> guarded = ConcurrentHashMap.newKeySet();

  HttpCodecGuard(
      @ConfigProperty(name = "cura.http.head-timeout", defaultValue = "10s") Duration headTimeout,
      @ConfigProperty(name = "quarkus.http.ssl.certificate.files")
          java.util.Optional<String> certificate) {
    this.headTimeout = headTimeout;
    this.tls = certificate.isPresent();
  }

  void start(@Observes StartupEvent ev, Vertx vertx) {
    if (tls) {
      LOG.info("TLS is on: malformed HTTP is answered by Vert.x itself");
      return;
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    vertx.setPeriodic(
        10,
        id -> {
          if (install(vertx) > 0 || System.nanoTime() > deadline) {
            vertx.cancelTimer(id);
          }
        });
  }

  /** The number of listening servers now guarded. */
  int install(Vertx vertx) {
    var servers = ((VertxInternal) vertx).sharedHttpServers();
    synchronized (servers) {
      for (HttpServerImpl server : servers.values()) {
        Channel channel = boundChannel(server);
        if (channel != null && guarded.add(channel)) {
          channel.pipeline().addFirst("curaMalformedHttpAcceptor", new Acceptor(headTimeout));
        }
      }
    }
    return guarded.size();
  }

  /** True once at least one server is guarded (for tests and the log). */
  public boolean active() {
    return !guarded.isEmpty();
  }

  private static Channel boundChannel(TCPServerBase server) {
    try {
      Field f = TCPServerBase.class.getDeclaredField("bindFuture");
      f.setAccessible(true);
      Future<?> bound = (Future<?>) f.get(server);
      return bound != null && bound.succeeded() && bound.result() instanceof Channel c ? c : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warnf("cannot guard against malformed HTTP (Vert.x changed?): %s", e.toString());
      return null;
    }
  }

  /** On the server channel: each accepted connection gets an {@link Installer} first. */
  @ChannelHandler.Sharable
  static final class Acceptor extends ChannelInboundHandlerAdapter {
    private final long headTimeoutMs;

    Acceptor(Duration headTimeout) {
      this.headTimeoutMs = headTimeout.toMillis();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Channel child) {
        child.pipeline().addFirst("curaMalformedHttp", new Installer(headTimeoutMs));
      }
      ctx.fireChannelRead(msg);
    }
  }

  /**
   * First on a connection. When the first bytes arrive the HTTP/1.1 pipeline exists (or is about to
   * be built by Vert.x' HTTP/2-preface detector, which this then waits behind): it adds the {@link
   * MalformedHttp.Responder} after the encoder and stays as the {@link MalformedHttp.HeadTimer}.
   */
  static final class Installer extends ChannelInboundHandlerAdapter {
    private final MalformedHttp.State state = new MalformedHttp.State();
    private final MalformedHttp.HeadTimer timer;
    private boolean installed;

    Installer(long headTimeoutMs) {
      this.timer = new MalformedHttp.HeadTimer(state, headTimeoutMs);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      if (!installed) {
        installed = true;
        ChannelPipeline p = ctx.pipeline();
        if (p.get("httpEncoder") != null) {
          p.addAfter(
              "httpEncoder", "curaMalformedHttpResponder", new MalformedHttp.Responder(state));
        } else {
          ChannelHandlerContext detector = p.context(Http1xOrH2CHandler.class);
          if (detector != null) {
            p.addAfter(detector.name(), "curaMalformedHttpRelay", new Relay(state));
          }
        }
      }
      timer.channelRead(ctx, msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      timer.channelInactive(ctx);
    }
  }

  /**
   * Behind the HTTP/2-preface detector: once it has built the HTTP/1.1 pipeline, adds the
   * responder.
   */
  static final class Relay extends ChannelInboundHandlerAdapter {
    private final MalformedHttp.State state;

    Relay(MalformedHttp.State state) {
      this.state = state;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ChannelPipeline p = ctx.pipeline();
      if (p.get("httpEncoder") != null && p.get("curaMalformedHttpResponder") == null) {
        p.addAfter("httpEncoder", "curaMalformedHttpResponder", new MalformedHttp.Responder(state));
      }
      p.remove(this);
      ctx.fireChannelRead(msg);
    }
  }
}
