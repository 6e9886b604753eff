package dev.cura.cli.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/** The local development API key ({@code .cura/local/api-key}): tenant {@code default}, admin. */
public final class ApiKey {
  private ApiKey() {}

  /** The key in {@code file}, created (32 random bytes, URL-safe base64) when absent. */
  public static String readOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      String key = Files.readString(file).trim();
      if (!key.isEmpty()) {
        return key;
      }
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String key = "cura-dev-" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Files.createDirectories(file.getParent());
    Files.writeString(file, key + "\n");
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system; the key is for local development only
    }
    return key;
  }
}
