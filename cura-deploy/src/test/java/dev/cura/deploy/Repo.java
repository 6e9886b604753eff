package dev.cura.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Finds the repository root and reads its YAML and JSON files. */
final class Repo {

  static final ObjectMapper YAML = new YAMLMapper();
  static final ObjectMapper JSON = new ObjectMapper();

  private static final Path ROOT = findRoot();

  private static Path findRoot() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("docker-compose.yml"))
          && Files.isDirectory(p.resolve("k8s"))) {
        return p;
      }
    }
    throw new IllegalStateException(
        "expected docker-compose.yml and k8s/ in " + dir + " or a parent folder, found neither");
  }

  static Path root() {
    return ROOT;
  }

  static Path path(String relative) {
    return ROOT.resolve(relative);
  }

  static Path existing(String relative) {
    Path p = path(relative);
    assertTrue(Files.exists(p), () -> "expected " + relative + " to exist in the repository");
    return p;
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(String relative) {
    return read(existing(relative));
  }

  /** One line of a table file: its number (from 1), its text and its fields. */
  record Row(int number, String line, String[] fields) {}

  /**
   * The rows of a table file: one row a line, fields separated by white space, blank lines and
   * {@code #} comments skipped; a row without exactly the columns {@code header} names (e.g. {@code
   * "NAME PARTITIONS RETENTION_MS"}) fails, naming the file and line.
   */
  static List<Row> table(String relative, String header) {
    int columns = header.split(" ").length;
    String[] lines = read(relative).split("\n");
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\\s+");
      if (fields.length != columns) {
        throw new AssertionError(
            relative + ":" + (i + 1) + ": expected '" + header + "', got " + line);
      }
      rows.add(new Row(i + 1, line, fields));
    }
    return rows;
  }

  /** One YAML document. */
  static JsonNode yaml(String relative) {
    List<JsonNode> docs = yamlDocuments(existing(relative));
    assertTrue(
        docs.size() == 1, () -> relative + ": expected one YAML document, got " + docs.size());
    return docs.get(0);
  }

  /** Every non-empty document of a (multi-document) YAML file. */
  static List<JsonNode> yamlDocuments(Path file) {
    return yamlDocuments(read(file), file.toString());
  }

  static List<JsonNode> yamlDocuments(String text, String origin) {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode() && !doc.isEmpty()) {
          docs.add(doc);
        }
      }
    } catch (IOException e) {
      throw new AssertionError(origin + ": not valid YAML: " + e.getMessage(), e);
    }
    return docs;
  }

  static JsonNode json(String relative) {
    try {
      return JSON.readTree(existing(relative).toFile());
    } catch (IOException e) {
      throw new AssertionError(relative + ": not valid JSON: " + e.getMessage(), e);
    }
  }

  private Repo() {}
}
