// Cleans extracted Debian texts into the plain-text corpora of the bundled base models.
//
//   java CleanCorpus.java SOURCES ROOT YOUTUBE_TRAIN_JSONL OUT_DIR
//
// SOURCES: comma-separated, from kjv, fortunes, fortunes-irc, tfortunes, wesnoth, jargon,
// debian-reference (models/cura-tiny: kjv,fortunes; models/cura-small: all of them).
// ROOT: the folder the Debian packages were unpacked into (dpkg-deb -x), plus ROOT/kjv-verses.txt,
// the output of the packaged reader `bible -f -l 0 'gen1:1-rev22:21'` (one "Ge1:1 text" per line).
// Writes OUT_DIR/pretrain.txt (the sources, YouTube comments only) and
// OUT_DIR/tokenizer-corpus.txt (the same, with the YouTube comment+reply pairs counted 4 times), and
// prints one line per source with its document count and bytes. Documents are separated by one
// blank line and shuffled with a fixed seed; no document contains a blank line. Any JDK >= 17.

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

public class CleanCorpus {
  // fortune files kept: general wit and wisdom ("fortunes"), and the IRC and mailing-list quotes
  // of knghtbrd and debian ("fortunes-irc": conversation, "<nick> nick2: ..."); left out are ASCII
  // art, collections made of quotes from copyrighted works (pratchett, startrek), noise
  // (disclaimer, perl, translate-me) and the edgier ones (drugs, ethnic, men-women, politics).
  // Read in alphabetical order of the selected files.
  static final List<String> FORTUNE_FILES =
      List.of("computers", "cookie", "definitions", "education", "food", "fortunes", "goedel",
          "humorists", "kids", "law", "linux", "linuxcookie", "literature", "love", "magic",
          "medicine", "miscellaneous", "news", "paradoxum", "people", "pets", "platitudes",
          "riddles", "science", "songs-poems", "sports", "tao", "wisdom", "work", "zippy");
  static final List<String> IRC_FILES = List.of("debian", "knghtbrd");
  static final List<String> SOURCES =
      List.of("kjv", "fortunes", "fortunes-irc", "tfortunes", "wesnoth", "jargon",
          "debian-reference");
  static final String FORTUNES = "usr/share/games/fortunes";
  static final String TFORTUNES = "usr/share/games/tfortunes/epigrams/en.tfortunes";
  static final String WESNOTH = "usr/share/games/wesnoth";
  static final String JARGON = "usr/share/doc/jargon-text/jargon.txt.gz";
  static final String DEBIAN_REFERENCE = "usr/share/debian-reference/debian-reference.en.txt.gz";
  // the YouTube pairs are a small share of the text; counted 4x they earn merges for the domain's
  // words in the tokenizer
  static final int YOUTUBE_WEIGHT = 4;
  static final int MAX_DOC_CHARS = 3000;
  static final Pattern VERSE = Pattern.compile("^(\\d?[A-Za-z]+)(\\d+):(\\d+) (.*)$");
  static final Pattern CONTENT = Pattern.compile("\"content\":\"((?:[^\"\\\\]|\\\\.)*)\"");
  static final Pattern WML_MESSAGE = Pattern.compile("(?s)\\[message\\](.*?)\\[/message\\]");
  static final Pattern WML_SPEAKER = Pattern.compile("(?m)^\\s*speaker=\"?([^\"\\n]+?)\"?\\s*$");
  static final Pattern WML_TEXT = Pattern.compile("(?m)^\\s*message=\\s*_?\\s*\"((?:[^\"]|\"\")*)\"");
  static final Pattern WML_STORY = Pattern.compile("(?m)^\\s*story=\\s*_?\\s*\"((?:[^\"]|\"\")*)\"");
  static final Pattern TAG = Pattern.compile("</?[a-z]+(=[^>]*)?>");

  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      System.err.println("usage: java CleanCorpus.java SOURCES ROOT TRAIN_JSONL OUT_DIR");
      System.exit(2);
    }
    List<String> selected = List.of(args[0].split(","));
    for (String s : selected) {
      if (!SOURCES.contains(s)) throw new IllegalArgumentException("unknown source " + s + "; expected " + SOURCES);
    }
    Path root = Path.of(args[1]);
    Map<String, List<String>> sources = new LinkedHashMap<>();
    if (selected.contains("kjv")) sources.put("kjv", kjvChapters(root.resolve("kjv-verses.txt")));
    List<String> files = new ArrayList<>();
    if (selected.contains("fortunes")) files.addAll(FORTUNE_FILES);
    if (selected.contains("fortunes-irc")) files.addAll(IRC_FILES);
    Collections.sort(files);
    List<String> fortunes = new ArrayList<>();
    for (String f : files) fortunes.addAll(fortunes(root.resolve(FORTUNES).resolve(f)));
    if (!files.isEmpty()) sources.put("fortunes", fortunes);
    if (selected.contains("tfortunes")) sources.put("tfortunes", tfortunes(root.resolve(TFORTUNES)));
    if (selected.contains("wesnoth")) sources.put("wesnoth", wesnoth(root.resolve(WESNOTH)));
    if (selected.contains("jargon")) sources.put("jargon", prose(gunzip(root.resolve(JARGON))));
    if (selected.contains("debian-reference")) {
      sources.put("debian-reference", prose(gunzip(root.resolve(DEBIAN_REFERENCE))));
    }
    List<String[]> pairs = youtube(Path.of(args[2]));
    Path out = Path.of(args[3]);
    Files.createDirectories(out);

    List<String> pretrain = new ArrayList<>();
    sources.values().forEach(pretrain::addAll);
    List<String> tokenizer = new ArrayList<>(pretrain);
    for (String[] p : pairs) pretrain.add(p[0]);
    for (int i = 0; i < YOUTUBE_WEIGHT; i++) {
      for (String[] p : pairs) tokenizer.add(p[0] + "\n" + p[1]);
    }
    write(out.resolve("pretrain.txt"), pretrain);
    write(out.resolve("tokenizer-corpus.txt"), tokenizer);
    sources.forEach(
        (name, docs) -> System.out.printf("%-17s %,7d documents %,11d bytes%n", name, docs.size(), bytes(docs)));
    System.out.printf("%-17s %,7d comments%n", "youtube train", pairs.size());
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
    return entries(Files.readString(file, StandardCharsets.UTF_8).split("(?m)^%\\n"));
  }

  /** Andre Noll's epigrams: entries end with a "---- tags" line. */
  static List<String> tfortunes(Path file) throws IOException {
    return entries(Files.readString(file, StandardCharsets.UTF_8).split("(?m)^----.*\\n?"));
  }

  static List<String> entries(String[] raw) {
    List<String> out = new ArrayList<>();
    for (String entry : raw) {
      StringBuilder sb = new StringBuilder();
      for (String line : entry.split("\n")) {
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

  /**
   * The campaigns' dialogue as a play script, one document per scenario file: each [message] of a
   * named speaker becomes "Speaker: text" (narrator lines become plain text; lines of unnamed units
   * are left out), and the [part] story texts of the intros become prose documents.
   */
  static List<String> wesnoth(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(p -> p.toString().endsWith(".cfg")).sorted().toList();
    }
    List<String> docs = new ArrayList<>();
    for (Path f : files) {
      String wml = Files.readString(f, StandardCharsets.UTF_8);
      Docs play = new Docs(docs);
      Matcher m = WML_MESSAGE.matcher(wml);
      while (m.find()) {
        Matcher sp = WML_SPEAKER.matcher(m.group(1));
        Matcher tx = WML_TEXT.matcher(m.group(1));
        if (!sp.find() || !tx.find()) continue;
        String speaker = sp.group(1).strip();
        String text = wmlText(tx.group(1));
        if (text.isEmpty() || speaker.contains("$") || speaker.contains("{")) continue;
        if (speaker.equals("unit") || speaker.equals("second_unit") || speaker.equals("secondunit")) {
          continue;
        }
        play.add(speaker.equals("narrator") ? text : speaker + ": " + text);
      }
      play.flush();
      Matcher st = WML_STORY.matcher(wml);
      while (st.find()) {
        String text = wmlText(st.group(1));
        if (keep(text)) docs.add(text);
      }
    }
    return docs;
  }

  /** A WML string: "" is a quote, markup tags go, curly quotes become ASCII, one paragraph. */
  static String wmlText(String s) {
    String t = TAG.matcher(s.replace("\"\"", "\"")).replaceAll("");
    t = t.replace('\u2019', '\'').replace('\u2018', '\'').replace('\u201C', '"').replace('\u201D', '"');
    return t.replaceAll("\\s+", " ").strip();
  }

  /**
   * Running prose from a plain-text manual: paragraphs (blank-line separated) that read as text —
   * no table rules or box drawing, mostly letters, at least 80 characters — re-flowed onto one
   * line each and grouped in order into documents of up to MAX_DOC_CHARS.
   */
  static List<String> prose(String text) {
    List<String> docs = new ArrayList<>();
    Docs doc = new Docs(docs);
    for (String para : text.split("\\n\\s*\\n")) {
      if (para.matches("(?s).*[|│├┼┤└┘┌┐─+]-{2,}.*") || para.matches("(?s).*[│├┼┤└┘┌┐].*")) continue;
      String p = para.replaceAll("[\\s\\u00A0]+", " ").strip();
      if (p.length() < 80 || !keep(p) || p.contains("|")) continue;
      doc.add(p);
    }
    doc.flush();
    return docs;
  }

  /**
   * Groups lines, in order, into documents of up to MAX_DOC_CHARS (lines joined by newlines; a
   * longer line is a document of its own).
   */
  static final class Docs {
    private final List<String> out;
    private final StringBuilder doc = new StringBuilder();

    Docs(List<String> out) {
      this.out = out;
    }

    void add(String line) {
      if (doc.length() + line.length() > MAX_DOC_CHARS && doc.length() > 0) flush();
      if (doc.length() > 0) doc.append('\n');
      doc.append(line);
    }

    /** Ends the current document. */
    void flush() {
      if (doc.length() > 0) out.add(doc.toString());
      doc.setLength(0);
    }
  }

  /** Drops art, overstrike/control characters, broken encodings, very short or long entries. */
  static boolean keep(String f) {
    if (f.length() < 20 || f.length() > MAX_DOC_CHARS) return false;
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

  static String gunzip(Path file) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      in.transferTo(bytes);
      return bytes.toString(StandardCharsets.UTF_8);
    }
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
