package dev.cura.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CommentKindTest {
  @Test
  void kindsOfComments() {
    assertEquals(CommentKind.SPAM, CommentKind.of("@bot: Sub to my channel, what do you think?"));
    assertEquals(CommentKind.RUDE, CommentKind.of("@a: Worst video ever. Why is it so long?"));
    assertEquals(CommentKind.QUESTION, CommentKind.of("@a: Which lens did you use?"));
    assertEquals(CommentKind.SUGGESTION, CommentKind.of("@a: Please do a video on ramen next!"));
    assertEquals(CommentKind.GREETING, CommentKind.of("@a: Hello from Kraków!"));
    assertEquals(CommentKind.PRAISE, CommentKind.of("@a: Loved the curry video, so calm."));
  }

  @Test
  void theDemosFortyValidationCommentsHaveEveryKind() throws IOException {
    Set<CommentKind> seen = EnumSet.noneOf(CommentKind.class);
    for (VoiceRulesTest.Pair p : VoiceRulesTest.load("valid.jsonl").subList(0, 40)) {
      seen.add(CommentKind.of(p.comment()));
    }
    assertEquals(EnumSet.allOf(CommentKind.class), seen);
  }
}
