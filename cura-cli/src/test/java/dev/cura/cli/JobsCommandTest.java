package dev.cura.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cura.core.util.Json;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./cura jobs create} puts each setting given, and only those, where the API wants it. */
class JobsCommandTest {
  private static String body(String... args) throws Exception {
    JobsCommand.Create create = new JobsCommand.Create();
    new CommandLine(create).parseArgs(args);
    var body = new LinkedHashMap<String, Object>();
    RequestFlags.put(create.command, body);
    return Json.MAPPER.writeValueAsString(body);
  }

  @Test
  void settingsNotGivenAreLeftOut() throws Exception {
    assertEquals(
        "{\"hyperparameters\":{},\"quantization\":{}}",
        body("--model", "cura-tiny", "--training-file", "file-1"));
  }

  @Test
  void everySettingGoesToItsField() throws Exception {
    assertEquals(
        "{\"validation_file\":\"file-2\","
            + "\"hyperparameters\":{\"n_epochs\":2,\"batch_size\":4,\"learning_rate\":0.001,"
            + "\"lora_r\":8,\"lora_alpha\":16.0,\"lora_dropout\":0.1,\"max_steps\":30,"
            + "\"seq_len\":128},"
            + "\"quantization\":{\"type\":\"fp4\",\"double_quant\":false},"
            + "\"optimizer\":\"adamw\",\"suffix\":\"s\",\"seed\":7}",
        body(
            "--model=cura-tiny",
            "--file=x.jsonl",
            "--validation-file=file-2",
            "--epochs=2",
            "--batch-size=4",
            "--lr=0.001",
            "--rank=8",
            "--alpha=16",
            "--dropout=0.1",
            "--max-steps=30",
            "--seq-len=128",
            "--quant=fp4",
            "--no-double-quant",
            "--optimizer=adamw",
            "--suffix=s",
            "--seed=7"));
  }
}
