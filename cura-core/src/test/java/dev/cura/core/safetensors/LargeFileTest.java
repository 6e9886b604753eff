package dev.cura.core.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cura.core.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file above 2 GiB: offsets past Integer.MAX_VALUE through the mapping and the channel. */
@Tag("heavy")
class LargeFileTest {
  @TempDir Path tmp;

  @Test
  void tensorsBeyondTwoGiB() throws Exception {
    long big = (1L << 31) + 4096; // 2 GiB + 4 KiB of U8
    Path p = tmp.resolve("big.safetensors");
    List<TensorSpec> specs =
        List.of(
            new TensorSpec("big", DType.U8, new long[] {big}),
            new TensorSpec("after", DType.F32, new long[] {3}));
    byte[] chunk = new byte[64 << 20];
    try (SafetensorsWriter w = SafetensorsWriter.create(p, specs, Map.of())) {
      for (long off = 0; off < big; off += chunk.length) {
        int len = (int) Math.min(chunk.length, big - off);
        chunk[0] = (byte) (off >>> 26); // a marker at the start of every 64 MiB
        w.append("big", MemorySegment.ofArray(chunk).asSlice(0, len));
      }
      w.writeFloats("after", new float[] {1, 2, 3});
    }
    try (SafetensorsFile f = SafetensorsFile.open(p)) {
      assertEquals(big, f.info("big").byteSize());
      assertEquals((byte) 32, f.data("big").get(ValueLayout.JAVA_BYTE, 32L << 26));
      assertEquals(3f, f.readFloats("after")[2]);
      MemorySegment dst = MemorySegment.ofArray(new byte[1]);
      f.read(f.info("big"), 32L << 26, dst);
      assertEquals((byte) 32, dst.get(ValueLayout.JAVA_BYTE, 0));
    } finally {
      Files.deleteIfExists(p);
    }
  }
}
