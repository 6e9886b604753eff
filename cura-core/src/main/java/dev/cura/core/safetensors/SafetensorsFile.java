package dev.cura.core.safetensors;

import dev.cura.core.tensor.DType;
import dev.cura.core.tensor.FloatConvert;
import dev.cura.core.util.FormatException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * A safetensors file, memory-mapped read-only (FFM {@link MemorySegment}, so files above 2 GiB
 * work), with a validated header ({@link SafetensorsHeader}).
 *
 * <p>Two ways to get bytes: {@link #data} returns a zero-copy slice of the mapping (pages become
 * resident in this process as they are touched — fine for weights that are used), and {@link #read}
 * copies a range through the file channel into a caller's buffer (pages stay in the OS page cache,
 * not in this process — the way to stream a large model with bounded RSS).
 *
 * <p>Thread-safe for reads; {@link #close} unmaps.
 */
public final class SafetensorsFile implements AutoCloseable {
  private final Path path;
  private final FileChannel channel;
  private final Arena arena;
  private final MemorySegment mapping;
  private final long dataStart;
  private final SafetensorsHeader header;

  private SafetensorsFile(
      Path path,
      FileChannel channel,
      Arena arena,
      MemorySegment mapping,
      long dataStart,
      SafetensorsHeader header) {
    this.path = path;
    this.channel = channel;
    this.arena = arena;
    this.mapping = mapping;
    this.dataStart = dataStart;
    this.header = header;
  }

  /**
   * Opens, validates the header and maps the file.
   *
   * @throws FormatException if the file is not a valid safetensors file (message names the file and
   *     what is wrong)
   * @throws IOException if it cannot be read
   */
  public static SafetensorsFile open(Path path) throws IOException {
    FileChannel ch;
    try {
      ch = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new FormatException(path + ": no such safetensors file");
    }
    try {
      long size = ch.size();
      if (size < 8) {
        throw new FormatException(
            path + ": too short for a safetensors file (" + size + " bytes, need at least 8)");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0);
      long n = lenBuf.getLong(0);
      if (n < 2 || n > SafetensorsHeader.MAX_HEADER_BYTES) {
        throw new FormatException(
            path
                + ": safetensors header length must be 2.."
                + SafetensorsHeader.MAX_HEADER_BYTES
                + " bytes, got "
                + Long.toUnsignedString(n));
      }
      if (8 + n > size) {
        throw new FormatException(
            path
                + ": safetensors header length "
                + n
                + " runs past the end of the file ("
                + size
                + " bytes; truncated?)");
      }
      ByteBuffer hb = ByteBuffer.allocate((int) n);
      readFully(ch, hb, 8);
      SafetensorsHeader header =
          SafetensorsHeader.parse(hb.array(), size - 8 - n, path.getFileName().toString());
      Arena arena = Arena.ofShared();
      MemorySegment mapping;
      try {
        mapping = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
      } catch (IOException | RuntimeException e) {
        arena.close();
        throw e;
      }
      return new SafetensorsFile(path, ch, arena, mapping, 8 + n, header);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      int r = ch.read(buf, pos);
      if (r < 0) {
        throw new FormatException("unexpected end of file");
      }
      pos += r;
    }
  }

  public Path path() {
    return path;
  }

  /** Tensors in file (data offset) order. */
  public Map<String, TensorInfo> tensors() {
    return header.tensors();
  }

  /** The {@code __metadata__} map (empty if none). */
  public Map<String, String> metadata() {
    return header.metadata();
  }

  public boolean contains(String name) {
    return header.tensors().containsKey(name);
  }

  /** The entry for {@code name}; error naming the file and tensor if absent. */
  public TensorInfo info(String name) {
    TensorInfo t = header.tensors().get(name);
    if (t == null) {
      throw new IllegalArgumentException(path.getFileName() + " has no tensor named " + name);
    }
    return t;
  }

  /** Absolute file offset of the first byte of {@code t}. */
  public long fileOffset(TensorInfo t) {
    return dataStart + t.begin();
  }

  /** Zero-copy, read-only slice of the mapping holding the tensor's bytes (little-endian). */
  public MemorySegment data(String name) {
    TensorInfo t = info(name);
    return mapping.asSlice(dataStart + t.begin(), t.byteSize());
  }

  /**
   * Copies {@code dst.byteSize()} bytes of tensor {@code t} starting at {@code byteOffset} (within
   * the tensor) into {@code dst}, through the file channel (no mapping touched).
   */
  public void read(TensorInfo t, long byteOffset, MemorySegment dst) throws IOException {
    long len = dst.byteSize();
    if (byteOffset < 0 || byteOffset + len > t.byteSize()) {
      throw new IllegalArgumentException(
          "read of [" + byteOffset + "," + (byteOffset + len) + ") outside tensor " + t);
    }
    long pos = dataStart + t.begin() + byteOffset;
    long done = 0;
    while (done < len) {
      int chunk = (int) Math.min(len - done, 1 << 30);
      ByteBuffer bb = dst.asSlice(done, chunk).asByteBuffer();
      while (bb.hasRemaining()) {
        int r = channel.read(bb, pos + done + bb.position());
        if (r < 0) {
          throw new FormatException(path + ": unexpected end of file reading " + t.name());
        }
      }
      done += chunk;
    }
  }

  /**
   * The whole tensor as f32 (F32, F16 and BF16 convert exactly).
   *
   * @throws IllegalArgumentException for other dtypes or more than 2^31−16 elements
   */
  public float[] readFloats(String name) {
    TensorInfo t = info(name);
    long n = t.numel();
    if (n > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          "tensor " + name + " has " + n + " elements; too many for a float[] (read it in chunks)");
    }
    float[] out = new float[(int) n];
    FloatConvert.toFloats(t.dtype(), data(name), 0, out, 0, (int) n);
    return out;
  }

  /** The whole tensor's bytes (for small tensors: codebooks, JSON blobs, norms). */
  public byte[] readBytes(String name) {
    TensorInfo t = info(name);
    if (t.byteSize() > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("tensor " + name + " is too large for a byte[]");
    }
    return data(name).toArray(ValueLayout.JAVA_BYTE);
  }

  /** Reads a tensor of dtype {@code expected} as bytes, checking the dtype first. */
  public byte[] readBytes(String name, DType expected) {
    TensorInfo t = info(name);
    if (t.dtype() != expected) {
      throw new IllegalArgumentException(
          "tensor " + name + ": expected dtype " + expected + ", got " + t.dtype());
    }
    return readBytes(name);
  }

  /** A small tensor copied into memory with its dtype and shape. */
  public TensorBytes tensorBytes(String name) {
    TensorInfo t = info(name);
    return new TensorBytes(t.dtype(), t.shape(), readBytes(name));
  }

  @Override
  public void close() throws IOException {
    try {
      arena.close();
    } finally {
      channel.close();
    }
  }
}
