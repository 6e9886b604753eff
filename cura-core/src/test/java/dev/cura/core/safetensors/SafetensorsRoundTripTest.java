package dev.cura.core.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cura.core.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {
  @TempDir Path tmp;

  @Test
  void writesAndReadsEveryDtypeInChunks() throws Exception {
    Random rnd = new Random(7);
    float[] f = new float[1000];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) rnd.nextGaussian();
    }
    byte[] u8 = new byte[33];
    rnd.nextBytes(u8);
    List<TensorSpec> specs =
        List.of(
            new TensorSpec("a.f32", DType.F32, new long[] {10, 100}),
            new TensorSpec("b.bf16", DType.BF16, new long[] {1000}),
            new TensorSpec("c.f16", DType.F16, new long[] {1000}),
            new TensorSpec("empty", DType.F32, new long[] {0, 4}),
            new TensorSpec("d.u8", DType.U8, new long[] {33}),
            new TensorSpec("scalar", DType.I64, new long[] {}));
    Path p = tmp.resolve("x.safetensors");
    try (SafetensorsWriter w = SafetensorsWriter.create(p, specs, Map.of("format", "pt"))) {
      w.appendFloats("a.f32", f, 0, 300); // chunked
      w.appendFloats("a.f32", f, 300, 700);
      w.writeFloats("b.bf16", f);
      w.writeFloats("c.f16", f);
      w.append("d.u8", u8);
      ByteBuffer l = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -5L);
      w.append("scalar", MemorySegment.ofArray(l.array()));
    }
    assertEquals(SafetensorsWriter.fileSize(specs, Map.of("format", "pt")), Files.size(p));
    try (SafetensorsFile r = SafetensorsFile.open(p)) {
      assertEquals(
          List.of("a.f32", "b.bf16", "c.f16", "empty", "d.u8", "scalar"),
          List.copyOf(r.tensors().keySet()));
      assertEquals("pt", r.metadata().get("format"));
      assertArrayEquals(f, r.readFloats("a.f32"));
      float[] bf = r.readFloats("b.bf16");
      float[] hf = r.readFloats("c.f16");
      for (int i = 0; i < f.length; i++) {
        assertEquals(DType.BF16.roundTrip(f[i]), bf[i]);
        assertEquals(DType.F16.roundTrip(f[i]), hf[i]);
      }
      assertArrayEquals(u8, r.readBytes("d.u8", DType.U8));
      assertEquals(0, r.readFloats("empty").length);
      assertArrayEquals(new long[] {10, 100}, r.info("a.f32").shape());
      // channel read of a sub-range equals the mapped bytes
      MemorySegment dst = MemorySegment.ofArray(new byte[40]);
      r.read(r.info("b.bf16"), 100, dst);
      assertArrayEquals(
          r.data("b.bf16").asSlice(100, 40).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
          dst.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
    }
  }

  @Test
  void headerIsPaddedToEightBytes() throws Exception {
    Path p = tmp.resolve("pad.safetensors");
    try (SafetensorsWriter w =
        SafetensorsWriter.create(
            p, List.of(new TensorSpec("w", DType.F32, new long[] {2})), Map.of())) {
      w.writeFloats("w", new float[] {1, 2});
    }
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
    long n = b.getLong(0);
    assertEquals(0, n % 8);
    assertEquals(8 + n + 8, Files.size(p));
  }

  @Test
  void writerEnforcesOrderAndCompleteness() throws Exception {
    Path p = tmp.resolve("order.safetensors");
    List<TensorSpec> specs =
        List.of(
            new TensorSpec("first", DType.F32, new long[] {2}),
            new TensorSpec("second", DType.F32, new long[] {2}));
    SafetensorsWriter w = SafetensorsWriter.create(p, specs, Map.of());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> w.writeFloats("second", new float[2]));
    assertEquals(
        "tensors must be written in declared order: expected first, got second", e.getMessage());
    assertThrows(IllegalStateException.class, () -> w.writeFloats("first", new float[3]));
    w.writeFloats("first", new float[2]);
    IllegalStateException inc = assertThrows(IllegalStateException.class, w::close);
    assertEquals(true, inc.getMessage().contains("tensor second incomplete (0 of 8 bytes)"));
  }
}
