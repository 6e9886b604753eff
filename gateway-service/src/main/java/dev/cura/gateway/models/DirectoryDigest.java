package dev.cura.gateway.models;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The digest of a model directory: SHA-256 of its manifest, the lines {@code <relative
 * path>\t<bytes>\t<sha256 of the file>\n} of every regular file, sorted by path (so the digest
 * depends on content only, not on timestamps or listing order).
 */
public final class DirectoryDigest {
  private DirectoryDigest() {}

  /**
   * @param dir the directory (real path)
   * @param allowed every file's real path must pass it (a symlink inside the directory must not
   *     point outside the allowed roots)
   * @throws IllegalArgumentException for a file that resolves outside {@code allowed}
   */
  public static String of(Path dir, Predicate<Path> allowed) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(p -> Files.isRegularFile(p)).sorted().toList();
    }
    MessageDigest manifest = sha256();
    for (Path file : files) {
      Path real = file.toRealPath();
      if (!allowed.test(real)) {
        throw new IllegalArgumentException(
            "'" + dir.relativize(file) + "' is a link out of the model roots; refusing it");
      }
      String rel = dir.relativize(file).toString().replace('\\', '/');
      long size = Files.size(real);
      String line = rel + "\t" + size + "\t" + fileSha256(real) + "\n";
      manifest.update(line.getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(manifest.digest());
  }

  static String fileSha256(Path file) throws IOException {
    MessageDigest sha = sha256();
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        sha.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
