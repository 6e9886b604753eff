package dev.cura.deploy;

import java.util.ArrayList;
import java.util.List;

/** A Dockerfile as a list of instructions (continuation lines joined, comments dropped). */
record Dockerfile(String name, List<Instruction> instructions) {

  record Instruction(String keyword, String args, int stage) {}

  static Dockerfile read(String relative) {
    String text = Repo.read(relative);
    List<Instruction> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int stage = -1;
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (current.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
        continue;
      }
      if (line.startsWith("#")) {
        continue; // comment inside a continued instruction
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      String full = current.toString().strip();
      current.setLength(0);
      if (full.isEmpty()) {
        continue;
      }
      int space = full.indexOf(' ');
      String keyword =
          (space < 0 ? full : full.substring(0, space)).toUpperCase(java.util.Locale.ROOT);
      String args = space < 0 ? "" : full.substring(space + 1).strip();
      if (keyword.equals("FROM")) {
        stage++;
      }
      out.add(new Instruction(keyword, args, stage));
    }
    return new Dockerfile(relative, List.copyOf(out));
  }

  int finalStage() {
    return instructions.stream().mapToInt(Instruction::stage).max().orElse(-1);
  }

  /** Instructions of the final (runtime) stage with this keyword. */
  List<String> last(String keyword) {
    int fin = finalStage();
    return instructions.stream()
        .filter(i -> i.stage() == fin && i.keyword().equals(keyword))
        .map(Instruction::args)
        .toList();
  }

  List<String> all(String keyword) {
    return instructions.stream()
        .filter(i -> i.keyword().equals(keyword))
        .map(Instruction::args)
        .toList();
  }
}
