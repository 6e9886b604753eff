package dev.cura.tools.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Plain-Java reference encoder for a {@link BpeModel}: pre-tokenize with {@link ByteLevel}, then
 * within each pre-token repeatedly merge the adjacent pair of lowest merge rank (leftmost first).
 * This is the BPE rule Hugging Face tokenizers applies, so ids must agree with the exported {@code
 * tokenizer.json} on text without special tokens; the tests check that it does. Used to measure
 * compression without native code.
 */
public final class BpeEncoder {
  private final Map<Long, Integer> rank = new HashMap<>();
  private final int offset;
  private final Map<String, int[]> cache = new HashMap<>();

  public BpeEncoder(BpeModel model) {
    this.offset = model.byteOffset();
    for (int k = 0; k < model.merges().size(); k++) {
      int[] m = model.merges().get(k);
      rank.put(BpeTrainer.key(m[0], m[1]), k);
    }
  }

  /** Token ids of {@code text} (no special tokens added). */
  public int[] encode(String text) {
    List<int[]> parts = new ArrayList<>();
    int total = 0;
    for (String piece : ByteLevel.preTokenize(text)) {
      int[] ids = cache.computeIfAbsent(piece, this::encodePiece);
      parts.add(ids);
      total += ids.length;
    }
    int[] out = new int[total];
    int at = 0;
    for (int[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  private int[] encodePiece(String piece) {
    byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
    int[] s = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      s[i] = offset + (bytes[i] & 0xFF);
    }
    int len = s.length;
    while (len > 1) {
      int best = Integer.MAX_VALUE;
      int at = -1;
      for (int i = 0; i + 1 < len; i++) {
        Integer r = rank.get(BpeTrainer.key(s[i], s[i + 1]));
        if (r != null && r < best) {
          best = r;
          at = i;
        }
      }
      if (at < 0) {
        break;
      }
      s[at] = offset + 256 + best;
      System.arraycopy(s, at + 2, s, at + 1, len - at - 2);
      len--;
    }
    return java.util.Arrays.copyOf(s, len);
  }
}
