package dev.cura.core.quantize;

import dev.cura.core.store.Sha256;

/**
 * The content address of a quantized artifact: {@code sha256("cura-quantized\n" + base digest +
 * "\n" + settings)} where the base digest is {@link dev.cura.core.store.DirectoryDigest} of the
 * input (the registered model's digest) and the settings text includes {@link
 * QuantizeSettings#FORMAT_VERSION}. Same base + same settings → same key → the cached artifact is
 * reused.
 */
public final class ArtifactKey {
  private ArtifactKey() {}

  public static String of(String baseDigest, QuantizeSettings settings) {
    if (!Sha256.isDigest(baseDigest)) {
      throw new IllegalArgumentException("base digest must be 64 hex digits, got " + baseDigest);
    }
    return Sha256.ofString("cura-quantized\n" + baseDigest + "\n" + settings.cacheKeyText());
  }
}
