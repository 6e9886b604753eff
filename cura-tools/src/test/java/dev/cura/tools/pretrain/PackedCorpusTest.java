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
  void copyExercisesRepeatARandomSpanTwoToFourTimes() {
    int[] train = new int[5000];
    for (int i = 0; i < train.length; i++) {
      train[i] = i; // every id once: a repeated id in a window can only come from a copy
    }
    PackedCorpus c = PackedCorpus.of(train, new int[0]);
    int b = 50, t = 256; // at least half of each window stays its own text
    assertArrayEquals(
        c.sample(b, t, new SplittableRandom(7)),
        c.sample(b, t, 0, new SplittableRandom(7)),
        "copy fraction 0 is plain sampling, drawing the same numbers");
    long[] all = c.sample(b, t, 1, new SplittableRandom(7));
    long[] none = c.sample(b, t, 0, new SplittableRandom(7));
    java.util.Set<Integer> occurrenceCounts = new java.util.TreeSet<>();
    for (int w = 0; w < b; w++) {
      long[] win = java.util.Arrays.copyOfRange(all, w * t, (w + 1) * t);
      // the window's own text is a run of consecutive ids; what breaks the run was planted
      java.util.Map<Long, Integer> starts = new java.util.HashMap<>();
      for (int i = 0; i < t; i++) {
        starts.merge(win[i] - i, 1, Integer::sum);
      }
      long start =
          java.util.Collections.max(starts.entrySet(), java.util.Map.Entry.comparingByValue())
              .getKey();
      java.util.List<Integer> planted = new java.util.ArrayList<>();
      for (int i = 0; i < t; i++) {
        if (win[i] != start + i) {
          planted.add(i);
        }
      }
      int first = planted.get(0);
      int times = 0;
      for (int i = 0; i + 1 < t; i++) {
        if (win[i] == win[first] && win[i + 1] == win[first + 1]) {
          times++;
        }
      }
      assertTrue(
          times >= PackedCorpus.MIN_OCCURRENCES && times <= PackedCorpus.MAX_OCCURRENCES,
          "window " + w + " holds its span " + times + " times");
      assertEquals(0, planted.size() % times, "window " + w + ": occurrences of one length");
      int span = planted.size() / times;
      assertTrue(
          span >= PackedCorpus.MIN_SPAN && span <= PackedCorpus.MAX_SPAN,
          "window " + w + " span " + span);
      for (int o = 1; o < times; o++) {
        for (int i = 0; i < span; i++) {
          assertEquals(
              win[planted.get(i)],
              win[planted.get(o * span + i)],
              "window " + w + ": occurrence " + o + " repeats the span");
        }
      }
      occurrenceCounts.add(times);
    }
    assertEquals(
        java.util.Set.of(2, 3, 4), occurrenceCounts, "every number of occurrences is drawn");
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
    assertTrue(copied > 900 && copied < 1100, "about half the windows are exercises: " + copied);
  }

  @Test
  void theCopyProbeLabelsOnlyTheTokensACopyPredicts() {
    int[] held = new int[3000];
    for (int i = 0; i < held.length; i++) {
      held[i] = 10_000 + i; // distinct ids, none of them in the training stream
    }
    PackedCorpus c = PackedCorpus.of(new int[] {1, 2, 3}, held);
    int t = 64, span = 8;
    dev.cura.engine.train.Batch probe = c.copyProbe(t, 10, span);
    assertEquals(10, probe.batch());
    assertEquals(10 * (span - 1), probe.targetTokens(), "span - 1 labels per window");
    assertArrayEquals(probe.ids(), c.copyProbe(t, 10, span).ids(), "the same probe on every call");
    for (int w = 0; w < probe.batch(); w++) {
      int first = -1;
      for (int i = w * t; i < (w + 1) * t; i++) {
        if (probe.labels()[i] != dev.cura.engine.train.Batch.IGNORE) {
          assertEquals(probe.ids()[i], probe.labels()[i], "a label is the token itself");
          first = first < 0 ? i : first;
        }
      }
      // the labelled run is span-1 tokens; the token before it starts the second occurrence,
      // and the whole span stands earlier in the window too
      long[] second = java.util.Arrays.copyOfRange(probe.ids(), first - 1, first - 1 + span);
      boolean earlier = false;
      for (int i = w * t; i + span <= first - 1; i++) {
        earlier |=
            java.util.Arrays.equals(java.util.Arrays.copyOfRange(probe.ids(), i, i + span), second);
      }
      assertTrue(earlier, "window " + w + " holds its span before the labelled copy");
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> c.copyProbe(15, 1, 8));
    assertEquals("a copy probe of span 8 needs windows of at least 16 tokens", e.getMessage());
  }
}
