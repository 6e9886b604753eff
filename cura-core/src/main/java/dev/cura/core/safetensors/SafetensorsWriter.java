package dev.cura.core.safetensors;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cura.core.tensor.DType;
import dev.cura.core.tensor.FloatConvert;
import dev.cura.core.util.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Streaming safetensors writer: all tensor specs (name, dtype, shape) and the metadata are declared
 * up front, so the header can be written first; then each tensor's bytes are appended in the
 * declared order, in as many chunks as the producer likes. Memory use is one small staging buffer
 * regardless of tensor or file size.
 *
 * <p>The header is {@code {"__metadata__": {...}, name: {"dtype","shape","data_offsets"}, ...}}
 * with tensors laid out contiguously in declared order, padded with spaces to a multiple of 8 bytes
 * (as the reference writer does, so the data section is 8-byte aligned).
 *
 * <p>{@link #close} fails if any declared tensor is incomplete.
 */
public final class SafetensorsWriter implements AutoCloseable {
  private static final int STAGING = 1 << 20;

  private final Path path;
  private final FileChannel channel;
  private final List<TensorSpec> specs;
  private final List<Long> sizes = new ArrayList<>();
  private final Set<String> names = new HashSet<>();
  // deferred mode: header written at close into this many reserved bytes (0 = header first)
  private final long reservedHeader;
  private final Map<String, String> metadata;
  private final ByteBuffer staging = ByteBuffer.allocateDirect(STAGING);
  // the whole staging buffer as a segment (fixed at creation: ofBuffer covers position..limit)
  private final MemorySegment stagingSeg = MemorySegment.ofBuffer(staging);
  private int current; // index of the tensor being written
  private long writtenInCurrent;
  private long bytesWritten;
  private boolean closed;

  private SafetensorsWriter(
      Path path,
      FileChannel channel,
      List<TensorSpec> specs,
      long reservedHeader,
      Map<String, String> metadata) {
    this.path = path;
    this.channel = channel;
    this.specs = new ArrayList<>(specs);
    this.reservedHeader = reservedHeader;
    this.metadata = metadata;
    for (TensorSpec s : specs) {
      sizes.add(s.byteSize());
      names.add(s.name());
    }
  }

  /**
   * Creates a writer whose tensors are declared as they come ({@link #declare}) and whose header is
   * written at {@link #close} into {@code reservedHeaderBytes} reserved at the start (padded with
   * spaces, which JSON allows). For producers that learn a tensor's size only after earlier tensors
   * are written (the bitsandbytes JSON blob holds the mean absmax). Fails at close if the header
   * does not fit.
   */
  public static SafetensorsWriter createDeferred(
      Path path, long reservedHeaderBytes, Map<String, String> metadata) throws IOException {
    if (reservedHeaderBytes < 8 || reservedHeaderBytes % 8 != 0) {
      throw new IllegalArgumentException(
          "reserved header must be a positive multiple of 8, got " + reservedHeaderBytes);
    }
    FileChannel ch = openTruncated(path);
    ch.position(8 + reservedHeaderBytes);
    SafetensorsWriter w =
        new SafetensorsWriter(path, ch, List.of(), reservedHeaderBytes, Map.copyOf(metadata));
    w.bytesWritten = 8 + reservedHeaderBytes;
    return w;
  }

  /** Declares the next tensor (deferred mode only); its bytes follow with {@link #append}. */
  public void declare(TensorSpec spec) {
    if (reservedHeader == 0) {
      throw new IllegalStateException("declare() is only for writers made by createDeferred()");
    }
    if (!names.add(spec.name())) {
      throw new IllegalArgumentException("tensor " + spec.name() + " declared twice");
    }
    specs.add(spec);
    sizes.add(spec.byteSize());
    skipEmpty();
  }

  /** Opens {@code path} for writing, created or emptied. */
  private static FileChannel openTruncated(Path path) throws IOException {
    return FileChannel.open(
        path,
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
  }

  /** Creates (or truncates) {@code path} and writes the header. */
  public static SafetensorsWriter create(
      Path path, List<TensorSpec> specs, Map<String, String> metadata) throws IOException {
    Set<String> seen = new HashSet<>();
    for (TensorSpec s : specs) {
      if (!seen.add(s.name())) {
        throw new IllegalArgumentException("tensor " + s.name() + " declared twice");
      }
    }
    byte[] header = headerBytes(specs, metadata);
    FileChannel ch = openTruncated(path);
    SafetensorsWriter w = new SafetensorsWriter(path, ch, List.copyOf(specs), 0, metadata);
    try {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      len.putLong(0, header.length);
      w.writeFully(len);
      w.writeFully(ByteBuffer.wrap(header));
      w.bytesWritten = 8 + header.length;
      w.skipEmpty();
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    return w;
  }

  /** The header JSON (padded to a multiple of 8 with spaces). */
  static byte[] headerBytes(List<TensorSpec> specs, Map<String, String> metadata)
      throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(bos)) {
      g.writeStartObject();
      if (metadata != null && !metadata.isEmpty()) {
        g.writeObjectFieldStart("__metadata__");
        for (Map.Entry<String, String> e : metadata.entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      long off = 0;
      for (TensorSpec s : specs) {
        g.writeObjectFieldStart(s.name());
        g.writeStringField("dtype", s.dtype().safetensorsName());
        g.writeArrayFieldStart("shape");
        for (long d : s.shape()) {
          g.writeNumber(d);
        }
        g.writeEndArray();
        long end = off + s.byteSize();
        g.writeArrayFieldStart("data_offsets");
        g.writeNumber(off);
        g.writeNumber(end);
        g.writeEndArray();
        g.writeEndObject();
        off = end;
      }
      g.writeEndObject();
    }
    byte[] raw = bos.toByteArray();
    int padded = (raw.length + 7) & ~7;
    byte[] out = new byte[padded];
    System.arraycopy(raw, 0, out, 0, raw.length);
    for (int i = raw.length; i < padded; i++) {
      out[i] = ' ';
    }
    return out;
  }

  /** Size of the file this writer produces for these specs (header included). */
  public static long fileSize(List<TensorSpec> specs, Map<String, String> metadata)
      throws IOException {
    long total = 8 + headerBytes(specs, metadata).length;
    for (TensorSpec s : specs) {
      total += s.byteSize();
    }
    return total;
  }

  public Path path() {
    return path;
  }

  /** Bytes written so far, header included. */
  public long bytesWritten() {
    return bytesWritten;
  }

  /** The tensor that the next bytes belong to, or null when all are complete. */
  public TensorSpec currentTensor() {
    return current < specs.size() ? specs.get(current) : null;
  }

  /**
   * Appends bytes to tensor {@code name}, which must be the current tensor (declared order). A
   * tensor may be written in any number of chunks; once its size is reached, the next declared
   * tensor becomes current.
   */
  public void append(String name, MemorySegment bytes) throws IOException {
    checkCurrent(name, bytes.byteSize());
    long len = bytes.byteSize();
    long done = 0;
    while (done < len) {
      int chunk = (int) Math.min(len - done, 1 << 30);
      MemorySegment part = bytes.asSlice(done, chunk);
      if (chunk < STAGING / 4) {
        stage(part);
      } else {
        flushStaging();
        writeFully(part.asByteBuffer());
      }
      done += chunk;
    }
    advance(len);
  }

  /** Appends a byte array (see {@link #append(String, MemorySegment)}). */
  public void append(String name, byte[] bytes) throws IOException {
    append(name, MemorySegment.ofArray(bytes));
  }

  /**
   * Appends floats converted to the tensor's declared dtype (F32, F16 or BF16; rounding to nearest
   * even as PyTorch).
   */
  public void appendFloats(String name, float[] values, int offset, int count) throws IOException {
    TensorSpec s = currentTensor();
    if (s == null) {
      throw new IllegalStateException("all tensors already written; got data for " + name);
    }
    DType dt = s.dtype();
    checkCurrent(name, dt.byteSizeFor(count));
    int per = STAGING / dt.byteSize();
    int done = 0;
    while (done < count) {
      int n = Math.min(count - done, per);
      if (staging.remaining() < n * dt.byteSize()) {
        flushStaging();
      }
      FloatConvert.fromFloats(dt, values, offset + done, stagingSeg, staging.position(), n);
      staging.position(staging.position() + n * dt.byteSize());
      done += n;
    }
    advance(dt.byteSizeFor(count));
  }

  /** Writes a whole tensor from floats. */
  public void writeFloats(String name, float[] values) throws IOException {
    appendFloats(name, values, 0, values.length);
  }

  private void checkCurrent(String name, long len) {
    if (closed) {
      throw new IllegalStateException("writer for " + path + " is closed");
    }
    TensorSpec s = currentTensor();
    if (s == null) {
      throw new IllegalStateException("all declared tensors are complete; got data for " + name);
    }
    if (!s.name().equals(name)) {
      throw new IllegalStateException(
          "tensors must be written in declared order: expected " + s.name() + ", got " + name);
    }
    if (writtenInCurrent + len > sizes.get(current)) {
      throw new IllegalStateException(
          "tensor "
              + name
              + " is "
              + sizes.get(current)
              + " bytes; "
              + writtenInCurrent
              + " written, "
              + len
              + " more would overflow it");
    }
  }

  private void advance(long len) {
    writtenInCurrent += len;
    bytesWritten += len;
    if (writtenInCurrent == sizes.get(current).longValue()) {
      current++;
      writtenInCurrent = 0;
      skipEmpty();
    }
  }

  private void skipEmpty() {
    while (current < specs.size() && sizes.get(current) == 0L) {
      current++;
    }
  }

  private void stage(MemorySegment part) throws IOException {
    if (staging.remaining() < part.byteSize()) {
      flushStaging();
    }
    MemorySegment.copy(part, 0, stagingSeg, staging.position(), part.byteSize());
    staging.position(staging.position() + (int) part.byteSize());
  }

  private void flushStaging() throws IOException {
    staging.flip();
    writeFully(staging);
    staging.clear();
  }

  private void writeFully(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      channel.write(b);
    }
  }

  /**
   * Flushes and closes.
   *
   * @throws IllegalStateException if a declared tensor was not completely written (the file is then
   *     invalid; callers write to a temporary path and rename on success)
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      flushStaging();
      if (reservedHeader > 0 && current == specs.size()) {
        byte[] header = headerBytes(specs, metadata);
        if (header.length > reservedHeader) {
          throw new IOException(
              path
                  + ": header needs "
                  + header.length
                  + " bytes but only "
                  + reservedHeader
                  + " were reserved");
        }
        ByteBuffer hb =
            ByteBuffer.allocate((int) (8 + reservedHeader)).order(ByteOrder.LITTLE_ENDIAN);
        hb.putLong(reservedHeader).put(header);
        while (hb.hasRemaining()) {
          hb.put((byte) ' ');
        }
        hb.flip();
        long pos = 0;
        while (hb.hasRemaining()) {
          pos += channel.write(hb, pos);
        }
      }
    } finally {
      channel.close();
    }
    if (current < specs.size()) {
      throw new IllegalStateException(
          path
              + ": tensor "
              + specs.get(current).name()
              + " incomplete ("
              + writtenInCurrent
              + " of "
              + sizes.get(current)
              + " bytes) at close");
    }
  }
}
