package dev.cura.tools.tokenizer;

import java.util.List;

/**
 * A learned byte-level BPE vocabulary.
 *
 * <p>Ids: {@code [0, S)} the special tokens in order; {@code [S, S+256)} the 256 single bytes in
 * byte order; then one id per merge, in the order learned: merge {@code k} joins ids {@code
 * merges[k][0]} and {@code merges[k][1]} into id {@code S + 256 + k}. Vocabulary size = S + 256 +
 * merges.
 *
 * @param specialTokens the special tokens (e.g. {@code <unk>, <s>, </s>}), ids 0..S-1
 * @param merges [M][2] left and right id of each merge, in rank order
 */
public record BpeModel(List<String> specialTokens, List<int[]> merges) {

  public BpeModel {
    specialTokens = List.copyOf(specialTokens);
    merges = List.copyOf(merges);
    int s = specialTokens.size();
    for (int k = 0; k < merges.size(); k++) {
      int[] m = merges.get(k);
      int limit = s + 256 + k;
      if (m.length != 2 || m[0] < s || m[1] < s || m[0] >= limit || m[1] >= limit) {
        throw new IllegalArgumentException(
            "merge %d must join two earlier non-special ids in [%d, %d), got %s"
                .formatted(k, s, limit, java.util.Arrays.toString(m)));
      }
    }
  }

  public int vocabSize() {
    return specialTokens.size() + 256 + merges.size();
  }

  /** First id of the 256 byte tokens. */
  public int byteOffset() {
    return specialTokens.size();
  }

  /** The bytes of every non-special token, indexed by id (null for special ids). */
  public byte[][] tokenBytes() {
    int s = specialTokens.size();
    byte[][] bytes = new byte[vocabSize()][];
    for (int b = 0; b < 256; b++) {
      bytes[s + b] = new byte[] {(byte) b};
    }
    for (int k = 0; k < merges.size(); k++) {
      byte[] l = bytes[merges.get(k)[0]];
      byte[] r = bytes[merges.get(k)[1]];
      byte[] joined = java.util.Arrays.copyOf(l, l.length + r.length);
      System.arraycopy(r, 0, joined, l.length, r.length);
      bytes[s + 256 + k] = joined;
    }
    return bytes;
  }

  /** The vocabulary string of every id: special tokens as written, others byte-level encoded. */
  public String[] tokenStrings() {
    byte[][] bytes = tokenBytes();
    String[] out = new String[bytes.length];
    for (int id = 0; id < out.length; id++) {
      out[id] = id < specialTokens.size() ? specialTokens.get(id) : ByteLevel.toVocab(bytes[id]);
    }
    return out;
  }
}
