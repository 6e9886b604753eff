package dev.cura.registry.adapters;

import java.util.Optional;

/**
 * One HTTP byte range (RFC 9110 §14.1.2) resolved against a length: {@code bytes=a-b}, {@code
 * bytes=a-} or the suffix form {@code bytes=-n}. Several ranges are not supported: the whole
 * content is served instead, which the RFC allows.
 *
 * @param start first byte, inclusive
 * @param end last byte, inclusive
 */
public record ByteRange(long start, long end) {
  public long length() {
    return end - start + 1;
  }

  /** {@code bytes a-b/size} for a Content-Range header. */
  public String contentRange(long size) {
    return "bytes " + start + "-" + end + "/" + size;
  }

  /** Thrown for a range that lies outside the content (416). */
  public static final class Unsatisfiable extends RuntimeException {
    Unsatisfiable(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * @param header the Range header, or null
   * @param size content length
   * @return the range, or empty to serve the whole content (no header, a unit other than bytes,
   *     several ranges, or a syntax error — the RFC says to ignore those)
   * @throws Unsatisfiable when the range starts at or after the end of the content
   */
  public static Optional<ByteRange> parse(String header, long size) {
    if (header == null || !header.startsWith("bytes=")) {
      return Optional.empty();
    }
    String spec = header.substring(6).trim();
    if (spec.contains(",")) {
      return Optional.empty();
    }
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return Optional.empty();
    }
    try {
      String first = spec.substring(0, dash).trim();
      String last = spec.substring(dash + 1).trim();
      if (first.isEmpty()) {
        long n = Long.parseLong(last);
        if (n <= 0) {
          throw new Unsatisfiable("suffix range of " + n + " bytes is empty");
        }
        return Optional.of(new ByteRange(Math.max(0, size - n), size - 1));
      }
      long start = Long.parseLong(first);
      long end = last.isEmpty() ? size - 1 : Math.min(Long.parseLong(last), size - 1);
      if (start >= size) {
        throw new Unsatisfiable(
            "range starts at " + start + ", the content has " + size + " bytes");
      }
      if (end < start) {
        return Optional.empty();
      }
      return Optional.of(new ByteRange(start, end));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
