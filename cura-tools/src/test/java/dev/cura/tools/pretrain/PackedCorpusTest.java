package dev.cura.tools.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PackedCorpusTest {
  @Test
  void samplesAreWindowsOfTheTrainingStream() {
    int[] train = new int[100];
    for (int i = 0; i < train.length; i++) {
      train[i] = i;
    }
    PackedCorpus c = PackedCorpus.of(train, new int[] {5, 6, 7, 8, 9, 10, 11});
    long[] s = c.sample(3, 10, new SplittableRandom(1));
    for (int b = 0; b < 3; b++) {
      for (int t = 1; t < 10; t++) {
        assertEquals(s[b * 10 + t - 1] + 1, s[b * 10 + t], "a window is contiguous");
      }
    }
    assertArrayEquals(s, c.sample(3, 10, new SplittableRandom(1)), "seeded");
    assertArrayEquals(new long[] {5, 6, 7, 8, 9, 10}, c.heldOutWindows(3, 5), "2 whole windows");
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> c.sample(1, 101, new SplittableRandom(1)));
    assertEquals("the training stream has 100 tokens, fewer than seq-len 101", e.getMessage());
  }
}
