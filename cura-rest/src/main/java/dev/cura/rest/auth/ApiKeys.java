package dev.cura.rest.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * API key format and hashing. A key is {@code cura-} followed by 43 base64url characters (256
 * random bits). Services store only {@code sha256(key)} (hex): the key has full entropy, so a slow
 * password hash would add nothing, and a plain digest allows an indexed lookup.
 */
public final class ApiKeys {
  /** Tenant names: lowercase letters, digits, '-', '_' and '.', 1–64 characters. */
  public static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeys() {}

  /** A new random key. */
  public static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "cura-" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Lowercase hex SHA-256 of the key's UTF-8 bytes. */
  public static String hash(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * The public id of a key: {@code key-} and the first 24 hex digits (96 bits) of its hash — the
   * same in every service that holds the key, and it reveals nothing of the key.
   */
  public static String id(String keyHash) {
    return "key-" + keyHash.substring(0, 24);
  }

  /** True for a string shaped like {@link #id}. */
  public static boolean isId(String id) {
    return id != null && id.matches("key-[0-9a-f]{24}");
  }

  /** The first characters of a key, safe to show in listings and logs. */
  public static String prefix(String key) {
    return key.substring(0, Math.min(9, key.length()));
  }

  /**
   * Checks a tenant name.
   *
   * @throws IllegalArgumentException naming the rule when it does not match
   */
  public static String checkTenant(String tenant) {
    if (tenant == null || !TENANT.matcher(tenant).matches()) {
      throw new IllegalArgumentException(
          "tenant must be 1-64 characters of a-z, 0-9, '.', '_' or '-' starting with a letter or"
              + " digit, got "
              + (tenant == null ? "nothing" : "'" + tenant + "'"));
    }
    return tenant;
  }

  /** Checks a caller-supplied key: {@code cura-} or any 20–200 printable ASCII characters. */
  public static String checkKey(String key) {
    if (key == null || key.length() < 20 || key.length() > 200 || !key.matches("[\\x21-\\x7e]+")) {
      throw new IllegalArgumentException(
          "an API key must be 20-200 printable ASCII characters without spaces, got "
              + (key == null ? "nothing" : key.length() + " characters"));
    }
    return key;
  }
}
