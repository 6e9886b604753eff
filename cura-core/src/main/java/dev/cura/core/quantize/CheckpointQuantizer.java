package dev.cura.core.quantize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.core.hf.CheckpointDir;
import dev.cura.core.hf.CheckpointShapes;
import dev.cura.core.quant.Blockwise4bit;
import dev.cura.core.quant.QuantState;
import dev.cura.core.quant.QuantType;
import dev.cura.core.safetensors.SafetensorsFile;
import dev.cura.core.safetensors.SafetensorsWriter;
import dev.cura.core.safetensors.TensorBytes;
import dev.cura.core.safetensors.TensorInfo;
import dev.cura.core.safetensors.TensorSpec;
import dev.cura.core.tensor.DType;
import dev.cura.core.tensor.FloatConvert;
import dev.cura.core.tensor.NonFinite;
import dev.cura.core.util.FormatException;
import dev.cura.core.util.Json;
import dev.cura.core.util.Slices;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Streams a Hugging Face checkpoint into a bitsandbytes 4-bit checkpoint (DESIGN §4): every
 * decoder-layer linear ({@link LinearSelector}) is quantized and stored under the bitsandbytes keys
 * ({@link QuantState#toTensors}); every other tensor is copied byte for byte; config.json gains the
 * {@code quantization_config} transformers writes; tokenizer files are copied; big outputs are
 * sharded with a {@code model.safetensors.index.json}.
 *
 * <p>Memory is bounded independently of model size: input is read through the file channel in
 * chunks of {@value #CHUNK_ELEMS} elements (never mapped, so the pages stay in the OS cache, not in
 * this process), quantized in parallel, and appended to the output; per tensor only its absmax
 * vector (n/B floats) is held. The three stages overlap: chunk k+1 is read on the reader's thread
 * and chunk k−1's packed codes are written on the writer's thread while chunk k is quantized (two
 * buffers each). Output headers are written last into reserved space, because the JSON blob holds
 * the mean absmax that is known only at the end of each tensor.
 */
public final class CheckpointQuantizer {
  /** Elements per chunk (a multiple of every block size). */
  static final int CHUNK_ELEMS = 1 << 22;

  /** Elements of each linear used to measure the quantization error (the first chunk). */
  static final int ERROR_SAMPLE = 1 << 20;

  /** Upper bound of a bitsandbytes JSON blob (≈ 170 bytes in practice). */
  private static final int JSON_BOUND = 512;

  private CheckpointQuantizer() {}

  /** Quantizes {@code src} into the (new or empty) directory {@code out}. */
  public static QuantizeReport quantize(
      Path src, Path out, QuantizeSettings settings, QuantizeListener listener) throws IOException {
    long t0 = System.nanoTime();
    try (CheckpointDir ckpt = CheckpointDir.open(src)) {
      refuseQuantized(ckpt);
      // everything that can be checked up front is checked before the first byte is written
      List<Entry> entries = plan(ckpt, settings);
      CheckpointShapes.check(ckpt);
      for (Path aux : ckpt.auxiliaryFiles()) {
        if (aux.getFileName().toString().endsWith(".json")) {
          Json.requireWellFormed(aux);
        }
      }
      List<List<Entry>> shards = shard(entries, settings.maxShardBytes());
      Files.createDirectories(out);
      try (var list = Files.list(out)) {
        if (list.findAny().isPresent()) {
          throw new IOException(out + ": output directory must be empty or absent");
        }
      }
      Stats st = new Stats();
      listener.started(ckpt.tensorBytes());
      Map<String, String> weightMap = new TreeMap<>();
      long totalSize = 0;
      try (Arena arena = Arena.ofShared();
          ChunkReader reader = new ChunkReader(arena, (long) CHUNK_ELEMS * 4);
          WriteBehind writer = new WriteBehind()) {
        Buffers buf = new Buffers(reader, writer);
        for (int s = 0; s < shards.size(); s++) {
          String fileName =
              shards.size() == 1
                  ? CheckpointDir.SINGLE
                  : String.format("model-%05d-of-%05d.safetensors", s + 1, shards.size());
          Path shardPath = out.resolve(fileName);
          long reserved = reservedHeader(shards.get(s));
          try (SafetensorsWriter w =
              SafetensorsWriter.createDeferred(shardPath, reserved, Map.of("format", "pt"))) {
            for (Entry e : shards.get(s)) {
              if (e.quantize) {
                quantizeTensor(e, w, settings, buf, st, listener, weightMap, fileName);
              } else {
                copyTensor(e, w, buf, st, listener);
                weightMap.put(e.info.name(), fileName);
              }
            }
          }
          long size = Files.size(shardPath);
          st.bytesWritten += size;
          totalSize += size - 8 - reserved;
        }
      }
      if (shards.size() > 1) {
        ObjectNode idx = Json.MAPPER.createObjectNode();
        idx.putObject("metadata").put("total_size", totalSize);
        ObjectNode wm = idx.putObject("weight_map");
        weightMap.forEach(wm::put);
        st.bytesWritten += writeJson(out.resolve(CheckpointDir.INDEX), idx);
      }
      st.bytesWritten +=
          writeJson(
              out.resolve(CheckpointDir.CONFIG),
              BnbConfig.withQuantizationConfig(ckpt.config(), settings));
      for (Path aux : ckpt.auxiliaryFiles()) {
        Files.copy(aux, out.resolve(aux.getFileName().toString()));
        st.bytesWritten += Files.size(aux);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      QuantizeReport report =
          new QuantizeReport(
              st.totalParams,
              st.quantizedParams,
              st.quantizedTensors,
              st.quantizedParams == 0 ? 0 : st.quantBits / st.quantizedParams,
              st.quantizedParams == 0 ? 0 : st.quantBitsWithTables / st.quantizedParams,
              st.errorCount == 0 ? 0 : st.errorSum / st.errorCount,
              st.errorMax,
              st.errorCount == 0 ? 0 : Math.sqrt(st.errorSq / st.errorCount),
              st.errorCount,
              seconds,
              st.bytesRead,
              st.bytesWritten,
              shards.size(),
              settings);
      writeJson(out.resolve("quantization_report.json"), report.toJson());
      return report;
    }
  }

  // ---- planning -----------------------------------------------------------------------------

  /** One input tensor and how it is written. */
  private record Entry(TensorInfo info, SafetensorsFile file, boolean quantize, long outBytes) {}

  private static void refuseQuantized(CheckpointDir ckpt) throws FormatException {
    if (ckpt.config().has("quantization_config")) {
      throw new FormatException(
          ckpt.dir()
              + ": already quantized (config.json has a quantization_config); expected an"
              + " unquantized checkpoint");
    }
    for (String n : ckpt.tensorNames()) {
      if (n.contains(QuantState.JSON_KEY_PREFIX)) {
        throw new FormatException(
            ckpt.dir()
                + ": already quantized (tensor "
                + n
                + "); expected an unquantized checkpoint");
      }
    }
  }

  private static List<Entry> plan(CheckpointDir ckpt, QuantizeSettings s) throws FormatException {
    List<Entry> out = new ArrayList<>();
    for (String name : ckpt.tensorNames()) {
      TensorInfo t = ckpt.info(name);
      boolean q = LinearSelector.isQuantizedLinear(name);
      if (q && !t.dtype().isFloat16or32()) {
        throw new FormatException(
            ckpt.fileOf(name).path()
                + ": tensor "
                + name
                + " is a linear weight of dtype "
                + t.dtype()
                + "; expected F32, F16 or BF16 to quantize");
      }
      long bytes = q ? quantizedBytes(t.numel(), s) : t.byteSize();
      out.add(new Entry(t, ckpt.fileOf(name), q, bytes));
    }
    return out;
  }

  /** Output bytes of one quantized linear (JSON blob at its upper bound). */
  static long quantizedBytes(long n, QuantizeSettings s) {
    long blocks = QuantType.blocks(n, s.blocksize());
    long bytes = QuantType.packedBytes(n) + 16 * 4 + JSON_BOUND;
    if (s.doubleQuant()) {
      bytes += blocks + 4 * ((blocks + 255) / 256) + 256 * 4;
    } else {
      bytes += 4 * blocks;
    }
    return bytes;
  }

  private static List<List<Entry>> shard(List<Entry> entries, long max) {
    List<List<Entry>> shards = new ArrayList<>();
    List<Entry> cur = new ArrayList<>();
    long size = 0;
    for (Entry e : entries) {
      if (!cur.isEmpty() && size + e.outBytes > max) {
        shards.add(cur);
        cur = new ArrayList<>();
        size = 0;
      }
      cur.add(e);
      size += e.outBytes;
    }
    if (!cur.isEmpty() || shards.isEmpty()) {
      shards.add(cur);
    }
    return shards;
  }

  /** Header bytes to reserve: the header of the shard with every JSON blob at its bound. */
  private static long reservedHeader(List<Entry> shard) throws IOException {
    List<TensorSpec> specs = new ArrayList<>();
    for (Entry e : shard) {
      String n = e.info.name();
      if (!e.quantize) {
        specs.add(new TensorSpec(n, e.info.dtype(), e.info.shape()));
        continue;
      }
      long numel = e.info.numel();
      specs.add(new TensorSpec(n, DType.U8, new long[] {QuantType.packedBytes(numel), 1}));
      for (String suffix :
          new String[] {
            ".absmax",
            ".quant_map",
            ".nested_absmax",
            ".nested_quant_map",
            ".quant_state.bitsandbytes__nf4"
          }) {
        // dtype/shape with the most digits any variant can have
        specs.add(new TensorSpec(n + suffix, DType.F32, new long[] {numel + JSON_BOUND}));
      }
    }
    long len = SafetensorsWriter.fileSize(specs, Map.of("format", "pt"));
    for (TensorSpec s : specs) {
      len -= s.byteSize();
    }
    return ((len - 8) + 64 + 7) & ~7L;
  }

  // ---- streaming ----------------------------------------------------------------------------

  /** Reusable buffers (bounded memory), and the read-ahead reader. */
  private static final class Buffers {
    final ChunkReader reader;
    final WriteBehind writer;
    final float[] floats = new float[CHUNK_ELEMS];
    // two: chunk k is packed into one while chunk k-1's codes are written from the other
    final byte[][] packed = {new byte[CHUNK_ELEMS / 2], new byte[CHUNK_ELEMS / 2]};
    // error sample of the current tensor, reused so a tensor leaves little garbage behind
    final float[] sample = new float[ERROR_SAMPLE];
    final byte[] samplePacked = new byte[ERROR_SAMPLE / 2];
    final float[] sampleDeq = new float[ERROR_SAMPLE];

    Buffers(ChunkReader reader, WriteBehind writer) {
      this.reader = reader;
      this.writer = writer;
    }
  }

  private static final class Stats {
    long totalParams;
    long quantizedParams;
    int quantizedTensors;
    double quantBits;
    double quantBitsWithTables;
    double errorSum;
    double errorSq;
    double errorMax;
    long errorCount;
    long bytesRead;
    long bytesWritten;
  }

  private static void copyTensor(
      Entry e, SafetensorsWriter w, Buffers buf, Stats st, QuantizeListener l) throws IOException {
    TensorInfo t = e.info;
    w.declare(new TensorSpec(t.name(), t.dtype(), t.shape()));
    int esize = t.dtype().byteSize();
    buf.reader.stream(
        e.file,
        t,
        buf.reader.bufferBytes(),
        (chunk, off) -> {
          long bad = NonFinite.first(t.dtype(), chunk, 0, chunk.byteSize() / esize);
          if (bad >= 0) {
            throw nonFinite(e, off / esize + bad, NonFinite.describe(t.dtype(), chunk, 0, bad));
          }
          w.append(t.name(), chunk);
          st.bytesRead += chunk.byteSize();
          l.progress(st.bytesRead, t.name());
        });
    st.totalParams += t.numel();
  }

  private static void quantizeTensor(
      Entry e,
      SafetensorsWriter w,
      QuantizeSettings s,
      Buffers buf,
      Stats st,
      QuantizeListener l,
      Map<String, String> weightMap,
      String fileName)
      throws IOException {
    TensorInfo t = e.info;
    String key = t.name();
    long n = t.numel();
    int b = s.blocksize();
    int esize = t.dtype().byteSize();
    if (n / b > Integer.MAX_VALUE - 16) {
      throw new FormatException("tensor " + key + " has too many blocks (" + n / b + ")");
    }
    float[] absmax = new float[(int) QuantType.blocks(n, b)];
    w.declare(new TensorSpec(key, DType.U8, new long[] {QuantType.packedBytes(n), 1}));
    int sampleN = (int) Math.min(n, ERROR_SAMPLE);
    float[] sample = buf.sample;
    byte[] samplePacked = buf.samplePacked;
    buf.reader.stream(
        e.file,
        t,
        (long) CHUNK_ELEMS * esize,
        (raw, byteOff) -> {
          long off = byteOff / esize;
          int len = (int) (raw.byteSize() / esize);
          int slot = (int) ((off / CHUNK_ELEMS) % 2);
          byte[] packed = buf.packed[slot];
          buf.writer.awaitSlot(slot); // its previous codes must be on their way to the file
          toFloatsParallel(t.dtype(), raw, buf.floats, len);
          Blockwise4bit.quantize(
              s.quantType(), b, buf.floats, 0, len, packed, 0, absmax, (int) (off / b));
          // a NaN or infinity makes its block's absmax non-finite (max propagates NaN)
          for (int k = 0; k < (len + b - 1) / b; k++) {
            if (!Float.isFinite(absmax[(int) (off / b) + k])) {
              int i = k * b;
              while (i < len && Float.isFinite(buf.floats[i])) {
                i++;
              }
              float v = buf.floats[Math.min(i, len - 1)];
              throw nonFinite(
                  e, off + i, Float.isNaN(v) ? "NaN" : v > 0 ? "+Infinity" : "-Infinity");
            }
          }
          int packedLen = (len + 1) / 2;
          if (off == 0) {
            System.arraycopy(buf.floats, 0, sample, 0, sampleN);
            System.arraycopy(packed, 0, samplePacked, 0, (sampleN + 1) / 2);
          }
          buf.writer.submit(
              slot, () -> w.append(key, MemorySegment.ofArray(packed).asSlice(0, packedLen)));
          st.bytesRead += (long) len * esize;
          l.progress(st.bytesRead, key);
        });
    buf.writer.drain(); // the writer is used from this thread again below
    QuantState state =
        s.doubleQuant()
            ? QuantState.nested(s.quantType(), b, t.dtype(), t.shape(), absmax)
            : QuantState.plain(s.quantType(), b, t.dtype(), t.shape(), absmax);
    long tableBytes = 0;
    for (Map.Entry<String, TensorBytes> kv : state.toTensors(key).entrySet()) {
      TensorBytes tb = kv.getValue();
      if (tb.bytes().length > JSON_BOUND && kv.getKey().contains(QuantState.JSON_KEY_PREFIX)) {
        throw new IllegalStateException("quant-state JSON longer than " + JSON_BOUND + " bytes");
      }
      w.declare(tb.spec(kv.getKey()));
      w.append(kv.getKey(), tb.bytes());
      weightMap.put(kv.getKey(), fileName);
      if (kv.getKey().endsWith(".quant_map") || kv.getKey().contains(QuantState.JSON_KEY_PREFIX)) {
        tableBytes += tb.bytes().length;
      }
    }
    weightMap.put(key, fileName);
    // error on the sample, with the final (possibly double-quantized) absmax
    float[] deq = buf.sampleDeq;
    Blockwise4bit.dequantize(
        s.quantType(), b, samplePacked, 0, state.effectiveAbsmax(), 0, deq, 0, sampleN);
    double err = 0;
    double sq = 0;
    double max = st.errorMax;
    for (int i = 0; i < sampleN; i++) {
      double d = Math.abs(sample[i] - deq[i]);
      err += d;
      sq += d * d;
      max = Math.max(max, d);
    }
    st.errorSum += err;
    st.errorSq += sq;
    st.errorMax = max;
    st.errorCount += sampleN;
    double bits = state.bitsPerParam() * n;
    st.quantBits += bits;
    st.quantBitsWithTables += bits + 8.0 * tableBytes + (s.doubleQuant() ? 32 : 0);
    st.quantizedParams += n;
    st.quantizedTensors++;
    st.totalParams += n;
  }

  /** A weight that would poison every artifact and adapter made from the checkpoint. */
  private static FormatException nonFinite(Entry e, long index, String what) {
    long[] shape = e.info.shape();
    String at = "element " + index;
    if (shape.length == 2) {
      at += " (row " + index / shape[1] + ", column " + index % shape[1] + ")";
    }
    return new FormatException(
        e.file.path()
            + ": tensor "
            + e.info.name()
            + " holds "
            + what
            + " at "
            + at
            + "; a checkpoint with NaN or infinite weights cannot be quantized");
  }

  /** Converts a chunk to float32 in parallel slices. */
  private static void toFloatsParallel(DType dt, MemorySegment raw, float[] out, int len) {
    Slices.parallel(
        len,
        Math.max(1, Math.min(16, len / 65536)),
        1,
        (i, from, to) ->
            FloatConvert.toFloats(dt, raw, (long) from * dt.byteSize(), out, from, to - from));
  }

  // ---- files ------------------------------------------------------------------------------

  private static long writeJson(Path p, JsonNode n) throws IOException {
    byte[] b =
        (Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Files.write(p, b);
    return b.length;
  }
}
