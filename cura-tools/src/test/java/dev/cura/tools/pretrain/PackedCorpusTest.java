package dev.cura.tools.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  @Test
  void copyExercisesRepeatASpanOfTheWindowLaterInIt() {
    int[] train = new int[5000];
    for (int i = 0; i < train.length; i++) {
      train[i] = i; // every id once: a repeated id in a window can only come from a copy
    }
    PackedCorpus c = PackedCorpus.of(train, new int[0]);
    int b = 50, t = 96;
    assertArrayEquals(
        c.sample(b, t, new SplittableRandom(7)),
        c.sample(b, t, 0, new SplittableRandom(7)),
        "copy fraction 0 is plain sampling, drawing the same numbers");
    long[] all = c.sample(b, t, 1, new SplittableRandom(7));
    long[] none = c.sample(b, t, 0, new SplittableRandom(7));
    int windowsWithCopies = 0;
    for (int w = 0; w < b; w++) {
      long[] win = java.util.Arrays.copyOfRange(all, w * t, (w + 1) * t);
      int repeatedPairs = 0;
      for (int i = 0; i + 1 < t; i++) {
        for (int j = i + 1; j + 1 < t; j++) {
          if (win[i] == win[j] && win[i + 1] == win[j + 1]) {
            repeatedPairs++;
          }
        }
      }
      assertTrue(repeatedPairs >= PackedCorpus.MIN_SPAN - 1, "window " + w + " holds a copy");
      windowsWithCopies++;
    }
    assertEquals(b, windowsWithCopies);
    assertFalse(java.util.Arrays.equals(all, none), "copies changed the windows");
    long[] half = c.sample(2000, t, 0.5, new SplittableRandom(3));
    int copied = 0;
    for (int w = 0; w < 2000; w++) {
      for (int i = w * t; i + 1 < (w + 1) * t; i++) {
        if (half[i + 1] != half[i] + 1) {
          copied++; // a copy breaks the run of consecutive ids
          break;
        }
      }
    }
    assertTrue(copied > 800 && copied < 1200, "about half the windows are exercises: " + copied);
  }
}
