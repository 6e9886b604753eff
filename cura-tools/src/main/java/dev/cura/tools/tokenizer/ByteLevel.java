package dev.cura.tools.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2 byte-level conventions, as Hugging Face tokenizers' {@code ByteLevel} pre-tokenizer and
 * decoder apply them, so that a vocabulary learned here encodes identically there.
 *
 * <ul>
 *   <li>Pre-tokenization: text is split with the GPT-2 regex {@link #PATTERN} (contractions, letter
 *       runs, digit runs, punctuation runs, each with at most one leading space; then whitespace),
 *       with no prefix space added.
 *   <li>Each pre-token is taken as UTF-8 bytes, and each byte is shown as one printable code point
 *       ({@link #BYTE_TO_CHAR}: printable Latin-1 bytes map to themselves, the other 68 bytes to
 *       U+0100..U+0143 in byte order — e.g. space → 'Ġ' U+0120, '\n' → 'Ċ' U+010A).
 * </ul>
 */
public final class ByteLevel {

  /** The GPT-2 pre-tokenizer regex, as in HF tokenizers' ByteLevel with use_regex=true. */
  public static final Pattern PATTERN =
      Pattern.compile(
          "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
          Pattern.UNICODE_CHARACTER_CLASS);

  /** byte (0..255) → the code point that stands for it in vocabulary strings. */
  public static final char[] BYTE_TO_CHAR = new char[256];

  private static final int[] CHAR_TO_BYTE = new int[0x144]; // inverse, -1 where unused

  static {
    java.util.Arrays.fill(CHAR_TO_BYTE, -1);
    int next = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      char c = printable ? (char) b : (char) (256 + next++);
      BYTE_TO_CHAR[b] = c;
      CHAR_TO_BYTE[c] = b;
    }
  }

  private ByteLevel() {}

  /** Splits text into pre-tokens (substrings that together are exactly the input). */
  public static List<String> preTokenize(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = PATTERN.matcher(text);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /** The vocabulary string of a byte sequence: one code point per byte. */
  public static String toVocab(byte[] bytes) {
    StringBuilder sb = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      sb.append(BYTE_TO_CHAR[b & 0xFF]);
    }
    return sb.toString();
  }

  /** The vocabulary string of a text's UTF-8 bytes. */
  public static String toVocab(String text) {
    return toVocab(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Inverse of {@link #toVocab(byte[])}. */
  public static byte[] fromVocab(String token) {
    byte[] out = new byte[token.length()];
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
      if (b < 0) {
        throw new IllegalArgumentException(
            "not a byte-level vocabulary string: U+%04X at %d in \"%s\""
                .formatted((int) c, i, token));
      }
      out[i] = (byte) b;
    }
    return out;
  }
}
