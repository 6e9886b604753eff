package dev.cura.core.safetensors;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.core.util.FormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Truncated, inconsistent and hostile files give a FormatException naming the problem. */
class HostileHeaderTest {
  @TempDir Path tmp;

  private Path file(long declaredLen, String json, int dataBytes) throws Exception {
    byte[] j = json.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + j.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(declaredLen).put(j);
    Path p = Files.createTempFile(tmp, "h", ".safetensors");
    Files.write(p, b.array());
    return p;
  }

  private Path file(String json, int dataBytes) throws Exception {
    return file(json.getBytes(StandardCharsets.UTF_8).length, json, dataBytes);
  }

  private void expect(Path p, String fragment) {
    FormatException e = assertThrows(FormatException.class, () -> SafetensorsFile.open(p).close());
    assertTrue(e.getMessage().contains(fragment), () -> "message was: " + e.getMessage());
  }

  @Test
  void tooShort() throws Exception {
    Path p = tmp.resolve("short.safetensors");
    Files.write(p, new byte[] {1, 2, 3});
    expect(p, "too short");
  }

  @Test
  void hugeHeaderLengthIsRejectedWithoutAllocating() throws Exception {
    expect(file(Long.MAX_VALUE, "{}", 0), "header length must be");
    expect(file(-1L, "{}", 0), "header length must be");
    expect(file(50_000_000L, "{}", 0), "runs past the end of the file");
  }

  @Test
  void malformedJson() throws Exception {
    expect(file("{\"a\": [", 0), "not valid JSON");
    expect(file("[1,2]", 0), "must be a JSON object");
    expect(
        file(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
            4),
        "not valid JSON");
  }

  @Test
  void offsetsOutOfRangeOrInconsistent() throws Exception {
    expect(
        file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8),
        "past the end");
    expect(
        file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,12]}}", 16),
        "needs 16 bytes");
    expect(
        file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 16),
        "is after end");
    expect(
        file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4),
        "non-negative integer");
    expect(
        file(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,4]}}",
            4),
        "overflows");
    expect(
        file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4),
        "expected 2 entries");
  }

  @Test
  void overlap() throws Exception {
    expect(
        file(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
            12),
        "overlaps a");
  }

  @Test
  void unknownDtypeAndFields() throws Exception {
    expect(file("{\"a\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1), "got Q4");
    expect(
        file("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1],\"x\":1}}", 1),
        "unknown field x");
    expect(file("{\"__metadata__\":{\"k\":1}}", 0), "must be a string");
  }
}
