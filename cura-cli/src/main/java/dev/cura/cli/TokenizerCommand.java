package dev.cura.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cura.cli.quant.Progress;
import dev.cura.tools.tokenizer.BpeEncoder;
import dev.cura.tools.tokenizer.BpeModel;
import dev.cura.tools.tokenizer.BpeTrainer;
import dev.cura.tools.tokenizer.ChatFormat;
import dev.cura.tools.tokenizer.HfTokenizerFiles;
import dev.cura.tools.tokenizer.PreTokenCounts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./cura tokenizer train}: learns a byte-level BPE tokenizer and writes the HF files. */
@Command(
    name = "tokenizer",
    description = "Byte-level BPE tokenizers (CURA's own trainer, Hugging Face file format).",
    subcommands = {TokenizerCommand.Train.class})
public final class TokenizerCommand extends CommandGroup {
  /** Runs the command on its own (before it is registered in CuraMain). */
  public static void main(String[] args) {
    System.exit(new CommandLine(new TokenizerCommand()).execute(args));
  }

  @Command(
      name = "train",
      description =
          "Learn merges from plain-text files; write tokenizer.json and tokenizer_config.json "
              + "(special tokens <unk> <s> </s> <pad> <|system|> <|user|> <|assistant|>, chat "
              + "template) into --out.")
  static final class Train implements Callable<Integer> {
    @Option(
        names = "--corpus",
        required = true,
        description = "UTF-8 text file(s) to learn from (repeatable)")
    List<Path> corpus;

    @Option(names = "--out", required = true, description = "directory for the tokenizer files")
    Path out;

    @Option(
        names = "--vocab-size",
        defaultValue = "4096",
        description = "vocabulary size incl. specials and 256 bytes (default ${DEFAULT-VALUE})")
    int vocabSize;

    @Option(
        names = "--min-frequency",
        defaultValue = "2",
        description = "least pair count worth a merge (default ${DEFAULT-VALUE})")
    long minFrequency;

    @Option(
        names = "--eval",
        description = "text or chat .jsonl file to report bytes/token on (repeatable)")
    List<Path> eval = List.of();

    @Override
    public Integer call() throws Exception {
      if (vocabSize < ChatFormat.SPECIAL_TOKENS.size() + 256 || minFrequency < 1) {
        System.err.printf(
            "cura tokenizer train: --vocab-size must be >= %d and --min-frequency >= 1, got %d"
                + " and %d%n",
            ChatFormat.SPECIAL_TOKENS.size() + 256, vocabSize, minFrequency);
        return 2;
      }
      for (Path p : corpus) {
        if (!Files.isRegularFile(p)) {
          System.err.println("cura tokenizer train: --corpus must be a file, got " + p);
          return 2;
        }
      }
      for (Path p : eval) {
        if (!Files.isRegularFile(p)) {
          System.err.println("cura tokenizer train: --eval must be a file, got " + p);
          return 2;
        }
      }
      long t0 = System.nanoTime();
      PreTokenCounts counts = new PreTokenCounts();
      long bytes = 0;
      for (Path p : corpus) {
        String text = Files.readString(p, StandardCharsets.UTF_8);
        bytes += text.getBytes(StandardCharsets.UTF_8).length;
        counts.add(text);
      }
      System.out.printf(
          Locale.ROOT,
          "corpus: %,d bytes, %,d pre-tokens, %,d distinct%n",
          bytes,
          counts.total(),
          counts.distinct());
      int target = vocabSize - ChatFormat.SPECIAL_TOKENS.size() - 256;
      BpeModel model;
      try (ProgressBar bar = Progress.bar("merges", target).build()) {
        model =
            new BpeTrainer(vocabSize, ChatFormat.SPECIAL_TOKENS, minFrequency)
                .train(counts, bar::stepTo);
      }
      HfTokenizerFiles.write(model, out);
      System.out.printf(
          Locale.ROOT,
          "vocab %d (%d specials + 256 bytes + %d merges) -> %s in %.1f s%n",
          model.vocabSize(),
          ChatFormat.SPECIAL_TOKENS.size(),
          model.merges().size(),
          out,
          (System.nanoTime() - t0) / 1e9);
      BpeEncoder encoder = new BpeEncoder(model);
      for (Path p : eval) {
        String text;
        try {
          text = evalText(p);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          System.err.println(
              "cura tokenizer train: --eval " + p + " must be JSON lines, got: " + e.getMessage());
          return 2;
        }
        long n = encoder.encode(text).length;
        long b = text.getBytes(StandardCharsets.UTF_8).length;
        System.out.printf(
            Locale.ROOT,
            "eval %s: %,d bytes / %,d tokens = %.2f bytes/token%n",
            p,
            b,
            n,
            (double) b / Math.max(1, n));
      }
      return 0;
    }

    /** Chat .jsonl: the message contents joined by newlines; anything else: the file as is. */
    private static String evalText(Path p) throws Exception {
      if (!p.toString().endsWith(".jsonl")) {
        return Files.readString(p, StandardCharsets.UTF_8);
      }
      ObjectMapper json = new ObjectMapper();
      StringBuilder sb = new StringBuilder();
      for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
        for (JsonNode m : json.readTree(line).path("messages")) {
          sb.append(m.path("content").asText()).append('\n');
        }
      }
      return sb.toString();
    }
  }
}
