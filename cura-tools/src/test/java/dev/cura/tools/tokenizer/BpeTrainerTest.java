package dev.cura.tools.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BpeTrainerTest {
  static final List<String> SPECIALS = List.of("<unk>", "<s>", "</s>");

  /** A seeded corpus with many repeats, overlapping pairs (aaaa) and non-ASCII letters. */
  static String corpus(long seed, int words) {
    String[] vocab = {
      "the", "then", "there", "banana", "bandana", "aaaa", "aaa", "zoë", "café", "naïve", "don't",
      "12345", "1234", "...", "!!", "hello", "help", "helping", "Kraków", "🌱", "ab", "abab"
    };
    Random rnd = new Random(seed);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < words; i++) {
      sb.append(vocab[(int) Math.floor(Math.pow(rnd.nextDouble(), 2) * vocab.length)]);
      sb.append(rnd.nextInt(8) == 0 ? "\n" : " ");
    }
    return sb.toString();
  }

  @Test
  void incrementalTrainerLearnsTheSameMergesAsTheNaiveOne() {
    for (long seed : new long[] {1, 2, 3}) {
      PreTokenCounts counts = new PreTokenCounts().add(corpus(seed, 3000));
      BpeModel model = new BpeTrainer(3 + 256 + 120, SPECIALS, 2).train(counts, i -> {});
      Map<String, Long> plain = new HashMap<>();
      counts.counts().forEach((k, v) -> plain.put(k, v[0]));
      List<int[]> expected = NaiveBpeTrainer.merges(plain, 3, 120, 2);
      assertEquals(expected.size(), model.merges().size(), "seed " + seed);
      for (int k = 0; k < expected.size(); k++) {
        assertArrayEquals(expected.get(k), model.merges().get(k), "seed " + seed + " merge " + k);
      }
    }
  }

  @Test
  void handWorkedExample() {
    // "aaabdaaabac": pairs aa=4 ab=2 bd=1 da=1 ba=1 ac=1 -> merge a+a first; the word becomes
    // [aa a b d aa a b a c]: then aa+a=2 and a+b=2 tie, and (a, b) has the smaller left id.
    PreTokenCounts counts = new PreTokenCounts().add("aaabdaaabac");
    BpeModel model = new BpeTrainer(3 + 256 + 2, SPECIALS, 1).train(counts, i -> {});
    int a = 3 + 'a';
    int b = 3 + 'b';
    assertArrayEquals(new int[] {a, a}, model.merges().get(0));
    assertArrayEquals(new int[] {a, b}, model.merges().get(1));
    assertEquals("aa", new String(model.tokenBytes()[259], StandardCharsets.US_ASCII));
    assertEquals("ab", new String(model.tokenBytes()[260], StandardCharsets.US_ASCII));
  }

  @Test
  void stopsAtMinFrequencyAndReportsProgress() {
    PreTokenCounts counts = new PreTokenCounts().add("xy xy xy zw");
    int[] last = {0};
    BpeModel model = new BpeTrainer(4096, SPECIALS, 2).train(counts, i -> last[0] = i);
    // " xy" occurs 2x (space-prefixed), "xy" 1x: x+y = 3, space+x... so merges stop before z+w (1)
    assertTrue(model.merges().size() < 4096 - 259);
    assertEquals(model.merges().size(), last[0]);
    for (byte[] t : model.tokenBytes()) {
      if (t != null) {
        assertTrue(!new String(t, StandardCharsets.UTF_8).contains("zw"), "zw occurs once");
      }
    }
  }

  @Test
  void encoderReproducesTrainingSegmentationOfFrequentWords() {
    PreTokenCounts counts = new PreTokenCounts().add(corpus(7, 5000));
    BpeModel model = new BpeTrainer(3 + 256 + 300, SPECIALS, 2).train(counts, i -> {});
    BpeEncoder enc = new BpeEncoder(model);
    String[] strings = model.tokenStrings();
    // with enough merges every frequent word becomes one token
    for (String w : List.of(" banana", " the", " zoë", " 🌱")) {
      int[] ids = enc.encode(w);
      assertEquals(1, ids.length, w + " -> " + ids.length + " tokens");
      assertEquals(ByteLevel.toVocab(w), strings[ids[0]]);
    }
  }

  @Test
  void rejectsBadSettings() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new BpeTrainer(100, SPECIALS, 2));
    assertEquals("vocabSize must be at least 259 (specials + 256 bytes), got 100", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new BpeTrainer(300, SPECIALS, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new BpeModel(SPECIALS, List.of(new int[] {0, 5})),
        "merging a special token");
  }
}
