package dev.cura.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerCommandTest {
  @TempDir Path dir;

  @Test
  void trainsAndWritesTheHuggingFaceFiles() throws Exception {
    Path corpus = dir.resolve("corpus.txt");
    Files.writeString(corpus, "the cat sat on the mat, the cat ate the rat\n".repeat(50));
    Path out = dir.resolve("tok");
    int rc =
        Cli.run(
            "tokenizer",
            "train",
            "--corpus",
            corpus,
            "--vocab-size",
            300,
            "--out",
            out,
            "--eval",
            corpus);
    assertEquals(0, rc);
    JsonNode json = new ObjectMapper().readTree(out.resolve("tokenizer.json").toFile());
    int vocab = json.at("/model/vocab").size();
    assertTrue(vocab > 263 && vocab <= 300, "vocab " + vocab); // 7 specials + 256 bytes + merges
    assertTrue(Files.exists(out.resolve("tokenizer_config.json")));
  }

  @Test
  void badInputIsAUserErrorNotACrash() throws Exception {
    Path corpus = dir.resolve("corpus.txt");
    Files.writeString(corpus, "text");
    Path out = dir.resolve("tok");
    Path missing = dir.resolve("missing");
    assertEquals(2, Cli.run("tokenizer", "train", "--corpus", missing, "--out", out));
    assertEquals(
        2, Cli.run("tokenizer", "train", "--corpus", corpus, "--vocab-size", 10, "--out", out));
    Path badJsonl = dir.resolve("bad.jsonl");
    Files.writeString(badJsonl, "{not json\n");
    assertEquals(
        2, Cli.run("tokenizer", "train", "--corpus", corpus, "--out", out, "--eval", badJsonl));
  }
}
