package dev.cura.core.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers (streaming; files of any size in 1 MiB reads). */
public final class Sha256 {
  private Sha256() {}

  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  /** Lower-case hex SHA-256 of a file's bytes. */
  public static String ofFile(Path p) throws IOException {
    MessageDigest md = newDigest();
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      while (ch.read(buf) >= 0) {
        buf.flip();
        md.update(buf);
        buf.clear();
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Lower-case hex SHA-256 of a UTF-8 string. */
  public static String ofString(String s) {
    return HexFormat.of().formatHex(newDigest().digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  /** True if {@code s} is 64 lower-case hex digits. */
  public static boolean isDigest(String s) {
    return s != null && s.matches("[0-9a-f]{64}");
  }
}
