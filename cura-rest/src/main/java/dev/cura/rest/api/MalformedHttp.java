package dev.cura.rest.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The two Netty handlers of {@link HttpCodecGuard}, per connection. They answer, in the {@link
 * ErrorBody} shape and then close, what Vert.x would answer with an empty page or not at all:
 *
 * <ul>
 *   <li>{@link Responder} (after the HTTP codec): a request the codec could not decode (a bad
 *       request line, a control character in a header, a non-numeric or doubled {@code
 *       Content-Length}, a bad chunk size, a URI {@link URI} cannot parse) → 400; a request line
 *       over the limit → 414; headers over the limit → 431.
 *   <li>{@link HeadTimer} (first in the pipeline): a request head that has started but is not
 *       complete after the head timeout (a slow or garbled client) → 408.
 * </ul>
 */
final class MalformedHttp {
  private static final ObjectMapper JSON = new ObjectMapper();

  private MalformedHttp() {}

  /** What the two handlers of one connection share. */
  static final class State {
    boolean awaitingHead = true;
    boolean responding;
    boolean closing;
    ScheduledFuture<?> headTimer;

    void headDone() {
      awaitingHead = false;
      if (headTimer != null) {
        headTimer.cancel(false);
        headTimer = null;
      }
    }
  }

  static byte[] body(ApiException e) {
    try {
      return JSON.writeValueAsBytes(e.body());
    } catch (JsonProcessingException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /** Sits right after the response encoder: sees decoded requests and the responses going out. */
  static final class Responder extends ChannelDuplexHandler {
    private final State state;

    Responder(State state) {
      this.state = state;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (state.closing) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (msg instanceof HttpRequest req) {
        if (req.decoderResult().isFailure()) {
          ReferenceCountUtil.release(msg);
          refuse(ctx, forCodec(req.decoderResult().cause()));
          return;
        }
        state.headDone();
        String uriProblem = uriProblem(req.uri());
        if (uriProblem != null) {
          ReferenceCountUtil.release(msg);
          refuse(ctx, new ApiException(400, "invalid_uri", uriProblem, null));
          return;
        }
      } else if (msg instanceof HttpContent c
          && c.decoderResult().isFailure()
          && !state.responding) {
        ReferenceCountUtil.release(msg);
        refuse(ctx, forCodec(c.decoderResult().cause()));
        return;
      }
      if (msg instanceof LastHttpContent) {
        state.awaitingHead = true;
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof HttpResponse) {
        state.responding = true;
      }
      if (msg instanceof LastHttpContent) {
        state.responding = false;
      }
      ctx.write(msg, promise);
    }

    private void refuse(ChannelHandlerContext ctx, ApiException e) {
      state.closing = true;
      state.headDone();
      byte[] body = body(e);
      FullHttpResponse res =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.valueOf(e.status()),
              Unpooled.wrappedBuffer(body));
      res.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
          .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
          .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Quarkus refuses a request URI that {@link URI} cannot parse with an empty 400 before any
     * route runs; the same check here answers it in the error shape.
     */
    private static String uriProblem(String uri) {
      try {
        new URI(uri);
        return null;
      } catch (URISyntaxException e) {
        return "the request URI is not valid: " + e.getMessage();
      }
    }

    private static ApiException forCodec(Throwable cause) {
      String why = cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage();
      if (cause instanceof TooLongHttpLineException) {
        return new ApiException(414, "uri_too_long", "the request line is too long" + why, null);
      }
      if (cause instanceof TooLongHttpHeaderException) {
        return new ApiException(
            431, "headers_too_large", "the request headers are too large" + why, null);
      }
      return new ApiException(
          400, "malformed_http", "the request is not well-formed HTTP/1.1" + why, null);
    }
  }

  /** First in the pipeline: sees raw bytes, so it knows when a request head has begun. */
  static final class HeadTimer extends ChannelInboundHandlerAdapter {
    private final State state;
    private final long timeoutMs;

    HeadTimer(State state, long timeoutMs) {
      this.state = state;
      this.timeoutMs = timeoutMs;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (state.awaitingHead && state.headTimer == null && msg instanceof ByteBuf) {
        state.headTimer =
            ctx.executor().schedule(() -> expire(ctx), timeoutMs, TimeUnit.MILLISECONDS);
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      state.headDone();
      ctx.fireChannelInactive();
    }

    private void expire(ChannelHandlerContext ctx) {
      state.headTimer = null;
      if (!state.awaitingHead || state.closing || !ctx.channel().isActive()) {
        return;
      }
      state.closing = true;
      byte[] body =
          body(
              new ApiException(
                  408,
                  "request_timeout",
                  "the request head was not complete after " + timeoutMs + " ms",
                  null));
      String head =
          "HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\ncontent-length: "
              + body.length
              + "\r\nconnection: close\r\n\r\n";
      ByteBuf out = Unpooled.buffer(head.length() + body.length);
      out.writeBytes(head.getBytes(StandardCharsets.US_ASCII)).writeBytes(body);
      // written from the head of the pipeline: raw bytes, past no encoder
      ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
