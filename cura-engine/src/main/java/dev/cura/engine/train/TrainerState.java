package dev.cura.engine.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The non-tensor part of a checkpoint ({@code trainer_state.json}): step, data position, seed (all
 * randomness derives from seed and counters, so this is the whole RNG state), losses so far and
 * throughput counters.
 */
record TrainerState(
    long step, int epoch, int row, long seed, List<Double> losses, long tokens, double seconds) {
  static final String FILE = "trainer_state.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  void write(Path dir) throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("step", step);
    o.put("epoch", epoch);
    o.put("row", row);
    o.put("seed", seed);
    o.put("tokens", tokens);
    o.put("seconds", seconds);
    var l = o.putArray("losses");
    losses.forEach(l::add);
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(FILE).toFile(), o);
  }

  static TrainerState read(Path dir) throws IOException {
    JsonNode o = JSON.readTree(dir.resolve(FILE).toFile());
    List<Double> losses = new ArrayList<>();
    o.path("losses").forEach(x -> losses.add(x.asDouble()));
    return new TrainerState(
        o.path("step").asLong(),
        o.path("epoch").asInt(),
        o.path("row").asInt(),
        o.path("seed").asLong(),
        losses,
        o.path("tokens").asLong(),
        o.path("seconds").asDouble());
  }

  /** The newest complete checkpoint under {@code out/checkpoints}, or null. */
  static Path latest(Path out) throws IOException {
    Path dir = out.resolve("checkpoints");
    if (!Files.isDirectory(dir)) {
      return null;
    }
    Path best = null;
    long bestStep = -1;
    try (var s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String n = p.getFileName().toString();
        if (n.startsWith("step-") && Files.isRegularFile(p.resolve(FILE))) {
          long st = Long.parseLong(n.substring(5));
          if (st > bestStep) {
            bestStep = st;
            best = p;
          }
        }
      }
    }
    return best;
  }
}
