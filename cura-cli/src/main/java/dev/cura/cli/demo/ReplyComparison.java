package dev.cura.cli.demo;

import dev.cura.engine.data.Conversation;
import dev.cura.engine.data.ExampleBuilder;
import dev.cura.engine.data.JsonlDataset;
import dev.cura.engine.data.TextTokenizer;
import dev.cura.engine.infer.Generator;
import dev.cura.engine.model.LlamaLoader;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.peft.PeftAdapter;
import dev.cura.engine.train.Evaluator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Before/after on the validation set, in process with cura-engine: the base model (as the trainer
 * saw it: NF4-quantized weights via {@link Nf4Dense}, or dense) and the same model with the
 * adapter. Measures the eval loss on assistant tokens, and for the first {@code samples} validation
 * comments generates a greedy reply from each and scores both with {@link VoiceRules}.
 */
public final class ReplyComparison {
  /** Max tokens of a generated reply: the data set's replies are ≤ 20 words, ≤ 40 tokens. */
  public static final int MAX_REPLY_TOKENS = 40;

  private ReplyComparison() {}

  /** One validation comment with both replies and their verdicts. */
  public record Row(
      String comment,
      String reference,
      String baseReply,
      String tunedReply,
      VoiceVerdict base,
      VoiceVerdict tuned) {}

  /** Eval losses (mean NLL per assistant token), tallies and rows. */
  public record Result(
      double baseLoss,
      double tunedLoss,
      long evalTokens,
      VoiceTally base,
      VoiceTally tuned,
      List<Row> rows) {}

  /**
   * @param quant nf4 (the QLoRA base, as trained) or none
   * @param baseReplies false: skip the base model's replies (left empty; for sweeps, where only the
   *     fine-tuned side changes)
   * @param progress receives the number of replies generated so far (of 2 × samples)
   */
  public static Result run(
      Path model,
      Path adapter,
      Path valid,
      int samples,
      String quant,
      boolean baseReplies,
      IntConsumer progress)
      throws IOException {
    List<Conversation> data = JsonlDataset.read(valid);
    List<Conversation> picked = data.subList(0, Math.min(samples, data.size()));
    LoadOptions.Quant q = LoadOptions.Quant.parse(quant);
    try (LlamaModel m =
            q.equals(LoadOptions.Quant.NF4)
                ? Nf4Dense.load(model)
                : LlamaLoader.load(model, LoadOptions.cpu(q));
        TextTokenizer tok = TextTokenizer.load(model, m.config())) {
      ExampleBuilder builder = new ExampleBuilder(tok, 256);
      var examples = builder.buildAll(data);
      Evaluator.Result before = Evaluator.evaluate(m, examples, 8);
      List<String> baseOut =
          baseReplies
              ? replies(m, tok, builder, picked, 0, progress)
              : java.util.Collections.nCopies(picked.size(), "");
      PeftAdapter.load(adapter, m);
      Evaluator.Result after = Evaluator.evaluate(m, examples, 8);
      List<String> tunedReplies =
          replies(m, tok, builder, picked, baseReplies ? picked.size() : 0, progress);
      VoiceTally baseTally = new VoiceTally();
      VoiceTally tunedTally = new VoiceTally();
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < picked.size(); i++) {
        String comment = userText(picked.get(i));
        VoiceVerdict b = VoiceRules.check(comment, baseOut.get(i));
        VoiceVerdict t = VoiceRules.check(comment, tunedReplies.get(i));
        baseTally.add(b);
        tunedTally.add(t);
        rows.add(
            new Row(
                comment, assistantText(picked.get(i)), baseOut.get(i), tunedReplies.get(i), b, t));
      }
      return new Result(
          before.loss(), after.loss(), after.tokens(), baseTally, tunedTally, List.copyOf(rows));
    }
  }

  private static List<String> replies(
      LlamaModel m,
      TextTokenizer tok,
      ExampleBuilder builder,
      List<Conversation> picked,
      int done,
      IntConsumer progress) {
    Set<Integer> eos = new HashSet<>(m.config().eosTokenIds());
    if (tok.eosId() >= 0) {
      eos.add(tok.eosId());
    }
    List<String> out = new ArrayList<>();
    for (Conversation c : picked) {
      long[] prompt = builder.prompt(List.of(new Conversation.Message("user", userText(c))), false);
      long[] ids = Generator.generate(m, prompt, eos, Generator.Settings.greedy(MAX_REPLY_TOKENS));
      out.add(tok.decode(ids).strip());
      progress.accept(done + out.size());
    }
    return out;
  }

  static String userText(Conversation c) {
    return c.messages().stream()
        .filter(msg -> msg.role().equals("user"))
        .findFirst()
        .map(Conversation.Message::content)
        .orElseThrow(() -> new IllegalArgumentException("line " + c.line() + ": no user message"));
  }

  static String assistantText(Conversation c) {
    return c.messages().stream()
        .filter(msg -> msg.role().equals("assistant"))
        .findFirst()
        .map(Conversation.Message::content)
        .orElse("");
  }
}
