package dev.cura.registry.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ByteRangeTest {
  @Test
  void parsesTheThreeFormsAndClampsTheEnd() {
    assertEquals(Optional.of(new ByteRange(0, 99)), ByteRange.parse("bytes=0-99", 1000));
    assertEquals(Optional.of(new ByteRange(900, 999)), ByteRange.parse("bytes=900-", 1000));
    assertEquals(Optional.of(new ByteRange(990, 999)), ByteRange.parse("bytes=-10", 1000));
    assertEquals(Optional.of(new ByteRange(0, 999)), ByteRange.parse("bytes=-5000", 1000));
    assertEquals(Optional.of(new ByteRange(500, 999)), ByteRange.parse("bytes=500-5000", 1000));
    assertEquals("bytes 0-99/1000", new ByteRange(0, 99).contentRange(1000));
    assertEquals(100, new ByteRange(0, 99).length());
  }

  @Test
  void ignoresWhatItDoesNotServeAndRejectsWhatLiesOutside() {
    assertTrue(ByteRange.parse(null, 10).isEmpty());
    assertTrue(ByteRange.parse("items=0-1", 10).isEmpty());
    assertTrue(ByteRange.parse("bytes=0-1,4-5", 10).isEmpty());
    assertTrue(ByteRange.parse("bytes=x-y", 10).isEmpty());
    assertTrue(ByteRange.parse("bytes=5-2", 10).isEmpty());
    assertThrows(ByteRange.Unsatisfiable.class, () -> ByteRange.parse("bytes=10-", 10));
    assertThrows(ByteRange.Unsatisfiable.class, () -> ByteRange.parse("bytes=-0", 10));
  }
}
