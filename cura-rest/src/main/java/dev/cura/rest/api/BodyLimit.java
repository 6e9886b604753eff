package dev.cura.rest.api;

import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes of every request entity as it is read — chunked bodies, which declare no length,
 * included — and stops with 413 at {@link HttpLimits#maxJsonBytes}. Uploads are multipart forms,
 * which Quarkus reads to disk under {@code quarkus.http.limits.max-body-size} without passing
 * through here.
 */
@Provider
public class BodyLimit implements ReaderInterceptor {
  private final long limit;

  BodyLimit(HttpLimits limits) {
    this.limit = limits.maxJsonBytes();
  }

  @Override
  public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
    context.setInputStream(new Limited(context.getInputStream(), limit));
    return context.proceed();
  }

  /** Fails the read that would pass {@code limit} bytes. */
  static final class Limited extends FilterInputStream {
    private final long limit;
    private long count;

    Limited(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count(skipped);
      return skipped;
    }

    private void count(long n) {
      count += n;
      if (count > limit) {
        throw ApiException.tooLarge("request body is larger than the limit of " + limit + " bytes");
      }
    }
  }
}
