package dev.cura.tools.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ByteLevelTest {

  @Test
  void byteMapIsABijectionOntoPrintableCodePoints() {
    Set<Character> seen = new HashSet<>();
    for (int b = 0; b < 256; b++) {
      char c = ByteLevel.BYTE_TO_CHAR[b];
      assertEquals(true, seen.add(c), "duplicate for byte " + b);
      assertEquals(false, Character.isWhitespace(c) || Character.isISOControl(c), "byte " + b);
    }
    // GPT-2's well-known stand-ins
    assertEquals('Ġ', ByteLevel.BYTE_TO_CHAR[' ']);
    assertEquals('Ċ', ByteLevel.BYTE_TO_CHAR['\n']);
    assertEquals('A', ByteLevel.BYTE_TO_CHAR['A']);
    byte[] all = new byte[256];
    for (int b = 0; b < 256; b++) {
      all[b] = (byte) b;
    }
    assertArrayEquals(all, ByteLevel.fromVocab(ByteLevel.toVocab(all)));
    assertThrows(IllegalArgumentException.class, () -> ByteLevel.fromVocab("a b"));
  }

  @Test
  void preTokensFollowTheGpt2Split() {
    assertEquals(
        List.of("Hello", ",", " world", "'s", " 42", "!!", " \n", "\n", "naïve", " 🌱"),
        ByteLevel.preTokenize("Hello, world's 42!! \n\nnaïve 🌱"));
    assertEquals(List.of("a", "  ", " b", "  "), ByteLevel.preTokenize("a   b  "));
  }
}
