package dev.cura.testinfra;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 client over a plain socket that sends exactly the bytes it is given — malformed
 * request lines, control characters in headers, chunked bodies, lying {@code Content-Length}s —
 * which no regular client would send. One request per connection ({@code Connection: close} is the
 * caller's business); the response is read until its length, its last chunk or the server closes.
 */
public final class RawHttp {
  /** A response; {@code status} is -1 when the server closed without answering. */
  public record Response(int status, Map<String, String> headers, String body, boolean timedOut) {
    /** A header by case-insensitive name, or null. */
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
      return status + " " + headers + " " + (body.length() > 400 ? body.substring(0, 400) : body);
    }
  }

  private RawHttp() {}

  /**
   * Sends {@code request} to {@code 127.0.0.1:port} and reads one response.
   *
   * @param timeoutMs how long the server may stay silent before the exchange counts as a hang
   */
  public static Response exchange(int port, byte[] request, int timeoutMs) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
      s.setSoTimeout(timeoutMs);
      OutputStream out = s.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (IOException e) {
        // the server may answer (413, 400) and close before it has read everything we send
      }
      return read(s.getInputStream());
    }
  }

  /** A request from its head (lines joined with CRLF, blank line added) and body bytes. */
  public static byte[] request(String head, byte[] body) {
    byte[] h = (head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[h.length + body.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  /** {@code body} in chunks of {@code chunk} bytes with the terminating zero chunk. */
  public static byte[] chunked(byte[] body, int chunk) {
    var out = new ByteArrayOutputStream();
    for (int i = 0; i < body.length; i += chunk) {
      int n = Math.min(chunk, body.length - i);
      out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body, i, n);
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  private static Response read(InputStream in) throws IOException {
    var head = new ByteArrayOutputStream();
    try {
      int state = 0;
      while (state < 4) {
        int b = in.read();
        if (b < 0) {
          return new Response(-1, Map.of(), head.toString(StandardCharsets.ISO_8859_1), false);
        }
        head.write(b);
        state =
            (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                ? state + 1
                : (b == '\r' ? 1 : 0);
      }
    } catch (SocketTimeoutException e) {
      return new Response(-1, Map.of(), head.toString(StandardCharsets.ISO_8859_1), true);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    String[] statusLine = lines[0].split(" ", 3);
    int status = Integer.parseInt(statusLine[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
    }
    var body = new ByteArrayOutputStream();
    boolean timedOut = false;
    try {
      String length = headers.get("content-length");
      if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        readChunked(in, body);
      } else if (length != null) {
        body.write(in.readNBytes(Integer.parseInt(length)));
      } else if (status != 204 && status != 304) {
        in.transferTo(body);
      }
    } catch (SocketTimeoutException e) {
      timedOut = true;
    }
    return new Response(status, headers, body.toString(StandardCharsets.UTF_8), timedOut);
  }

  private static void readChunked(InputStream in, ByteArrayOutputStream body) throws IOException {
    while (true) {
      String size = line(in);
      int n;
      try {
        n = Integer.parseInt(size.split(";")[0].trim(), 16);
      } catch (NumberFormatException e) {
        return; // the server closed mid-stream: keep what came
      }
      if (n == 0) {
        line(in);
        return;
      }
      body.write(in.readNBytes(n));
      line(in);
    }
  }

  private static String line(InputStream in) throws IOException {
    var sb = new StringBuilder();
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
      if (b != '\r') {
        sb.append((char) b);
      }
    }
    return sb.toString();
  }
}
