package dev.cura.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VoiceRulesTest {

  record Pair(String comment, String reply) {}

  static Path dataset(String file) {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("datasets/youtube-replies"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("datasets/youtube-replies not found above the working dir");
    }
    return dir.resolve("datasets/youtube-replies").resolve(file);
  }

  static List<Pair> load(String file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<Pair> pairs = new ArrayList<>();
    for (String line : Files.readAllLines(dataset(file))) {
      JsonNode m = json.readTree(line).get("messages");
      pairs.add(new Pair(m.get(0).get("content").asText(), m.get(1).get("content").asText()));
    }
    return pairs;
  }

  /** The ids in the demo's reports (and in earlier reports) are the rules' snake_case names. */
  @Test
  void ruleIdsAreTheReportedNames() {
    assertEquals(
        List.of(
            "short",
            "spam_fixed_reply",
            "thanks_by_name",
            "kind",
            "feedback_for_rude",
            "answers_question",
            "signs_off"),
        java.util.Arrays.stream(VoiceRule.values()).map(VoiceRule::id).toList());
  }

  @Test
  void datasetRepliesFollowEveryRule() throws IOException {
    for (String file : List.of("train.jsonl", "valid.jsonl")) {
      VoiceTally tally = new VoiceTally();
      for (Pair p : load(file)) {
        VoiceVerdict v = VoiceRules.check(p.comment(), p.reply());
        assertTrue(v.allFollowed(), () -> file + ": " + p + " -> " + v.results());
        tally.add(v);
      }
      assertEquals(1.0, tally.meanScore(), 0.0);
      // every rule is exercised by the data set, so the demo's table has no empty rows
      for (VoiceRule rule : VoiceRule.values()) {
        assertTrue(tally.applied(rule) > 0, file + " never exercises " + rule.id());
      }
    }
  }

  @Test
  void someoneElsesReplyScoresLow() throws IOException {
    // replies rotated by one: right style, wrong comment. Fails names, answers, spam handling.
    List<Pair> pairs = load("valid.jsonl");
    VoiceTally tally = new VoiceTally();
    for (int i = 0; i < pairs.size(); i++) {
      Pair other = pairs.get((i + 1) % pairs.size());
      tally.add(VoiceRules.check(pairs.get(i).comment(), other.reply()));
    }
    // validation handles are all different but a few, so nearly every rotated reply names the wrong
    // person
    assertTrue(tally.allFollowedRate() < 0.1, tally.format());
    assertTrue(tally.rate(VoiceRule.THANKS_BY_NAME) < 0.2, tally.format());
    assertTrue(tally.meanScore() < 0.8, tally.format());
  }

  @Test
  void trainAndValidationCommentersAreDifferentPeople() throws IOException {
    // thanks_by_name on the validation set can only be earned by copying the handle from the
    // comment: no validation handle, and no validation name before its suffix, is in train.jsonl
    java.util.Set<String> trainHandles = new java.util.HashSet<>();
    java.util.Set<String> trainNames = new java.util.HashSet<>();
    for (Pair p : load("train.jsonl")) {
      trainHandles.add(VoiceRules.handle(p.comment()));
      trainNames.add(name(VoiceRules.handle(p.comment())));
    }
    java.util.Set<String> validHandles = new java.util.HashSet<>();
    for (Pair p : load("valid.jsonl")) {
      String h = VoiceRules.handle(p.comment());
      validHandles.add(h);
      assertFalse(trainHandles.contains(h), h + " is in train.jsonl too");
      if (!VoiceRules.isSpam(VoiceRules.body(p.comment()))) {
        assertFalse(trainNames.contains(name(h)), "the name of " + h + " is in train.jsonl too");
      }
    }
    // and there are many of them: a model cannot pass by memorizing a few
    assertTrue(trainHandles.size() > 1000, "train handles: " + trainHandles.size());
    assertTrue(validHandles.size() > 150, "valid handles: " + validHandles.size());
  }

  /** The given name a handle is built from: @maria_k, @maria.bakes, @maria88 → maria. */
  private static String name(String handle) {
    return handle.substring(1).split("[._0-9]", 2)[0];
  }

  @Test
  void praiseReply() {
    VoiceVerdict v =
        VoiceRules.check(
            "@maria_k: Loved the ramen video!", "Thanks, @maria_k! Glad you liked the ramen. ~Jo");
    assertTrue(v.allFollowed(), v.results()::toString);
    assertEquals(4, v.applicable()); // short, thanks_by_name, kind, signs_off
  }

  @Test
  void wrongOrMissingNameFails() {
    VoiceVerdict v =
        VoiceRules.check(
            "@maria_k: Loved the ramen video!", "Thanks, @tom! Glad you liked it. ~Jo");
    assertFalse(v.follows(VoiceRule.THANKS_BY_NAME));
    VoiceVerdict late =
        VoiceRules.check(
            "@maria_k: Loved it", "Thanks so much for watching this one, @maria_k. ~Jo");
    assertFalse(late.follows(VoiceRule.THANKS_BY_NAME), "handle after the 5th word");
    assertTrue(
        VoiceRules.check("@tom.builds: nice", "Thanks, @tom.builds! Glad you're here. ~Jo")
            .follows(VoiceRule.THANKS_BY_NAME),
        "handles may contain dots");
  }

  @Test
  void spamNeedsTheFixedReplyExactly() {
    String spam = "@promo_deals: Crypto giveaway at www.easy-coins.com";
    assertTrue(VoiceRules.check(spam, VoiceRules.SPAM_REPLY).allFollowed());
    VoiceVerdict thanked = VoiceRules.check(spam, "Thanks, @promo_deals! ~Jo");
    assertFalse(thanked.follows(VoiceRule.SPAM_FIXED_REPLY));
    assertEquals(0.5, thanked.score(), 0.0); // short holds, spam_fixed_reply fails
    assertFalse(
        VoiceRules.check(spam, "No links or promos here.").follows(VoiceRule.SPAM_FIXED_REPLY));
    // a genuine comment answered as spam fails the greeting and the sign-off
    VoiceVerdict brushedOff = VoiceRules.check("@ana.b: Great curry!", VoiceRules.SPAM_REPLY);
    assertFalse(brushedOff.follows(VoiceRule.THANKS_BY_NAME));
    assertFalse(brushedOff.follows(VoiceRule.SIGNS_OFF));
  }

  @Test
  void rudeCommentsGetCalmFeedbackReplies() {
    String rude = "@dave88: Worst chain tutorial ever, total waste of time.";
    assertTrue(
        VoiceRules.check(
                rude, "Thanks for the feedback, @dave88. I'll tighten up the next chain video. ~Jo")
            .allFollowed());
    VoiceVerdict snapped = VoiceRules.check(rude, "Thanks, @dave88! Your comment is garbage. ~Jo");
    assertFalse(snapped.follows(VoiceRule.KIND));
    assertFalse(snapped.follows(VoiceRule.FEEDBACK_FOR_RUDE));
    assertTrue(snapped.follows(VoiceRule.THANKS_BY_NAME));
    VoiceVerdict shouted =
        VoiceRules.check(rude, "Thanks for the feedback, @dave88. WATCH IT AGAIN!! ~Jo");
    assertFalse(shouted.follows(VoiceRule.KIND));
    assertTrue(VoiceRules.isRude("THIS IS GARBAGE"));
    assertFalse(VoiceRules.isRude("Garbled audio but great bread"), "whole words only");
  }

  static final String QUESTION = "@li_wei: How long does the drone battery last?";

  @Test
  void aQuestionAnsweredAboutTheQuestionFollowsEveryRule() {
    assertTrue(
        VoiceRules.check(
                QUESTION,
                "Thanks, @li_wei! Good question: The drone battery lasts about 25 minutes. ~Jo")
            .allFollowed());
  }

  @ParameterizedTest(name = "{2}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "Thanks, @li_wei! Good question: Small drones fly well. ~Jo | true"
            + " | plural 's' is stripped on both sides",
        "Thanks, @li_wei! Glad you enjoyed it. ~Jo | false | no answer marker",
        "Thanks, @li_wei! Good question: I love sourdough bread. ~Jo | false"
            + " | answer about something else",
        "Thanks, @li_wei! Good question: drone. ~Jo | false | fewer than 3 words"
      })
  void questionsNeedAnAnswerAboutTheQuestion(String reply, boolean answers, String why) {
    assertEquals(
        answers,
        VoiceRules.check(QUESTION, reply).follows(VoiceRule.ANSWERS_QUESTION),
        why + ": " + reply);
  }

  @Test
  void lengthAndSignOff() {
    String c = "@sam_t: nice";
    String longReply = "Thanks, @sam_t! " + "word ".repeat(18) + "~Jo";
    assertFalse(VoiceRules.check(c, longReply).follows(VoiceRule.SHORT));
    assertFalse(VoiceRules.check(c, "").follows(VoiceRule.SHORT));
    assertFalse(
        VoiceRules.check(c, "Thanks, @sam_t! Great to have you.").follows(VoiceRule.SIGNS_OFF));
    assertTrue(
        VoiceRules.check(c, "  Thanks, @sam_t! Great to have you. ~Jo\n")
            .follows(VoiceRule.SIGNS_OFF),
        "surrounding whitespace is ignored");
  }

  @Test
  void tallyCountsPerRule() {
    VoiceTally t = new VoiceTally();
    t.add(VoiceRules.check("@a_b: hi", "Thanks, @a_b! Hello. ~Jo")); // 4/4
    t.add(VoiceRules.check("@a_b: hi", "hello")); // short and kind only: 2/4
    assertEquals(2, t.replies());
    assertEquals((1.0 + 0.5) / 2, t.meanScore(), 1e-12);
    assertEquals(0.5, t.allFollowedRate(), 0.0);
    assertEquals(1.0, t.rate(VoiceRule.SHORT), 0.0);
    assertEquals(0.5, t.rate(VoiceRule.SIGNS_OFF), 0.0);
    assertTrue(Double.isNaN(t.rate(VoiceRule.SPAM_FIXED_REPLY)));
    assertTrue(t.format().contains("signs_off"), t.format());
  }
}
