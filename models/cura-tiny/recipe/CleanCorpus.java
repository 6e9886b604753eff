// Cleans the extracted Debian texts into the plain-text corpora of models/cura-tiny.
//
//   java CleanCorpus.java KJV_VERSES FORTUNES_DIR YOUTUBE_TRAIN_JSONL OUT_DIR
//
// KJV_VERSES: the output of `bible -f -l 0 'gen1:1-rev22:21'` (one "Ge1:1 text" line per verse).
// Writes OUT_DIR/pretrain.txt (KJV chapters, fortunes, YouTube comments only) and
// OUT_DIR/tokenizer-corpus.txt (the same, with the YouTube comment+reply pairs counted 4 times).
// Documents are separated by one blank line and shuffled with a fixed seed; no document contains
// a blank line. FORTUNES_DIR "-" leaves the fortunes out. Any JDK >= 17.

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class CleanCorpus {
  // fortune files kept: general wit and wisdom; left out are ASCII art, collections made of quotes
  // from copyrighted works (pratchett, startrek), IRC logs (knghtbrd), and the edgier ones
  // (drugs, ethnic, men-women, politics)
  static final List<String> FORTUNE_FILES =
      List.of("computers", "cookie", "definitions", "education", "food", "fortunes", "goedel",
          "humorists", "kids", "law", "linux", "linuxcookie", "literature", "love", "magic",
          "medicine", "miscellaneous", "news", "paradoxum", "people", "pets", "platitudes",
          "riddles", "science", "songs-poems", "sports", "tao", "wisdom", "work", "zippy");
  // the YouTube pairs are 1.5% of the text; counted 4x they earn merges for the domain's words
  // (bytes/token on valid.jsonl 2.94 -> 3.36, on pretrain.txt 3.56 -> 3.54)
  static final int YOUTUBE_WEIGHT = 4;
  static final Pattern VERSE = Pattern.compile("^(\\d?[A-Za-z]+)(\\d+):(\\d+) (.*)$");
  static final Pattern CONTENT = Pattern.compile("\"content\":\"((?:[^\"\\\\]|\\\\.)*)\"");

  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      System.err.println("usage: java CleanCorpus.java KJV_VERSES FORTUNES_DIR TRAIN_JSONL OUT_DIR");
      System.exit(2);
    }
    List<String> kjv = kjvChapters(Path.of(args[0]));
    List<String> fortunes = new ArrayList<>();
    if (!args[1].equals("-")) { // "-": leave the fortunes out (public-domain KJV only)
      for (String f : FORTUNE_FILES) fortunes.addAll(fortunes(Path.of(args[1], f)));
    }
    List<String[]> pairs = youtube(Path.of(args[2]));
    Path out = Path.of(args[3]);
    Files.createDirectories(out);

    List<String> pretrain = new ArrayList<>(kjv);
    pretrain.addAll(fortunes);
    for (String[] p : pairs) pretrain.add(p[0]);
    List<String> tokenizer = new ArrayList<>(kjv);
    tokenizer.addAll(fortunes);
    for (int i = 0; i < YOUTUBE_WEIGHT; i++) {
      for (String[] p : pairs) tokenizer.add(p[0] + "\n" + p[1]);
    }
    write(out.resolve("pretrain.txt"), pretrain);
    write(out.resolve("tokenizer-corpus.txt"), tokenizer);
    System.out.printf("KJV: %d chapters, %d bytes%n", kjv.size(), bytes(kjv));
    System.out.printf("fortunes: %d, %d bytes%n", fortunes.size(), bytes(fortunes));
    System.out.printf("youtube train: %d comments%n", pairs.size());
  }

  static List<String> kjvChapters(Path verses) throws IOException {
    List<String> chapters = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    String key = null;
    int count = 0;
    for (String line : Files.readAllLines(verses, StandardCharsets.UTF_8)) {
      if (line.isBlank()) continue;
      Matcher m = VERSE.matcher(line);
      if (!m.matches()) throw new IllegalStateException("not a verse line: " + line);
      String k = m.group(1) + m.group(2);
      if (!k.equals(key) && current.length() > 0) {
        chapters.add(current.toString());
        current.setLength(0);
      }
      key = k;
      if (current.length() > 0) current.append(' ');
      current.append(m.group(4).trim());
      count++;
    }
    if (current.length() > 0) chapters.add(current.toString());
    if (count != 31102) {
      throw new IllegalStateException("expected the 31102 verses of the KJV, got " + count);
    }
    return chapters;
  }

  static List<String> fortunes(Path file) throws IOException {
    String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>();
    for (String raw : text.split("(?m)^%\\n")) {
      StringBuilder sb = new StringBuilder();
      for (String line : raw.split("\n")) {
        String l = line.replace('\t', ' ').strip().replaceAll(" {2,}", " ");
        if (l.isEmpty()) continue;
        if (sb.length() > 0) sb.append('\n');
        sb.append(l);
      }
      String f = sb.toString();
      if (keep(f)) out.add(f);
    }
    return out;
  }

  /** Drops art, overstrike/control characters, broken encodings, very short or long entries. */
  static boolean keep(String f) {
    if (f.length() < 20 || f.length() > 1500) return false;
    long letters = 0;
    long visible = 0;
    for (int i = 0; i < f.length(); i++) {
      char c = f.charAt(i);
      if (c == '\uFFFD' || (c < 0x20 && c != '\n')) return false;
      if (!Character.isWhitespace(c)) visible++;
      if (Character.isLetter(c)) letters++;
    }
    return letters >= 0.6 * visible;
  }

  static List<String[]> youtube(Path jsonl) throws IOException {
    List<String[]> out = new ArrayList<>();
    for (String line : Files.readAllLines(jsonl, StandardCharsets.UTF_8)) {
      Matcher m = CONTENT.matcher(line);
      List<String> contents = new ArrayList<>();
      while (m.find()) contents.add(unescape(m.group(1)));
      if (contents.size() != 2) throw new IllegalStateException("expected user+assistant: " + line);
      out.add(contents.toArray(new String[0]));
    }
    return out;
  }

  static String unescape(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char e = s.charAt(++i);
      switch (e) {
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case 'u' -> {
          sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> sb.append(e);
      }
    }
    return sb.toString();
  }

  static void write(Path file, List<String> docs) throws IOException {
    List<String> shuffled = new ArrayList<>(docs);
    Collections.shuffle(shuffled, new Random(1));
    Files.writeString(file, String.join("\n\n", shuffled) + "\n", StandardCharsets.UTF_8);
  }

  static long bytes(List<String> docs) {
    return docs.stream().mapToLong(d -> d.getBytes(StandardCharsets.UTF_8).length).sum();
  }
}
