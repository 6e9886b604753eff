package dev.cura.events;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What an event may reference (DESIGN.md §2), defined once for every producer and consumer:
 *
 * <ul>
 *   <li>stored content (datasets, quantized bases, checkpoints, adapters) only as {@code
 *       cas:sha256/<64 lower-case hex>}, a key of the shared content-addressed artifact store, and
 *       equal to the digest the event gives for it;
 *   <li>a base model only by its registered name ({@value #MODEL_NAME_RULE}), never by a path.
 * </ul>
 *
 * Plain paths, {@code file:} URIs, {@code ..} and anything else are refused with {@link
 * EventDecodingException.Reason#INVALID_REFERENCE}, naming the field; a consumer never opens such a
 * reference. The check is syntactic: whether the content exists and matches is the consumer's
 * business when it reads it.
 */
public final class References {
  /** Prefix of a content address. */
  public static final String CAS_PREFIX = "cas:sha256/";

  /** A base model's registered name, as {@link #MODEL_NAME} spells it. */
  public static final String MODEL_NAME_RULE =
      "1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-', starting with a letter or digit";

  /**
   * A registered model name (also a safe file name: no separators, not {@code .} or {@code ..}).
   */
  public static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");

  private References() {}

  /** The content address of a store key. */
  public static String cas(String digest) {
    if (!isDigest(digest)) {
      throw new IllegalArgumentException(
          "a digest must be 64 lower-case hex digits, got " + describe(digest));
    }
    return CAS_PREFIX + digest;
  }

  /** True for 64 lower-case hex digits. */
  public static boolean isDigest(String s) {
    return s != null && DIGEST.matcher(s).matches();
  }

  /**
   * The store key of a content address.
   *
   * @param field JSON path of the reference, for the message
   * @throws EventDecodingException (INVALID_REFERENCE) unless {@code uri} is {@code cas:sha256/<64
   *     hex>}
   */
  public static String casDigest(String field, String uri) {
    if (uri != null && uri.startsWith(CAS_PREFIX) && isDigest(uri.substring(CAS_PREFIX.length()))) {
      return uri.substring(CAS_PREFIX.length());
    }
    throw invalid(
        field,
        field
            + " must be cas:sha256/<64 lower-case hex digits> (content in the artifact store), got "
            + describe(uri));
  }

  /**
   * Checks that {@code uri} is the content address of {@code digest}.
   *
   * @throws EventDecodingException (INVALID_REFERENCE) naming {@code field}
   */
  public static void requireCasOf(String field, String uri, String digestField, String digest) {
    requireDigest(digestField, digest);
    String key = casDigest(field, uri);
    if (!key.equals(digest)) {
      throw invalid(
          field, field + " names cas:sha256/" + key + " but " + digestField + " is " + digest);
    }
  }

  /**
   * A base model name.
   *
   * @throws EventDecodingException (INVALID_REFERENCE) unless {@code name} is a registered-name
   *     shaped string (not a path or URI)
   */
  public static String modelName(String field, String name) {
    if (name != null && MODEL_NAME.matcher(name).matches()) {
      return name;
    }
    throw invalid(
        field,
        field
            + " must be the name of a registered base model ("
            + MODEL_NAME_RULE
            + "; GET /v1/models lists them), got "
            + describe(name));
  }

  /**
   * Checks every reference an event carries.
   *
   * @throws EventDecodingException (INVALID_REFERENCE) for the first reference that is not allowed
   */
  public static void check(CuraEvent event) {
    switch (event) {
      case FineTuneRequested r -> checkRequest("", r);
      case CheckpointQuantized q -> {
        requireCasOf("artifact_uri", q.artifactUri(), "artifact_digest", q.artifactDigest());
        checkRequest("request.", q.request());
      }
      case CheckpointSaved c -> {
        requireDigest("digest", c.digest());
        if (c.uri() != null) {
          requireCasOf("uri", c.uri(), "digest", c.digest());
        }
      }
      case AdapterTrained a -> {
        requireCasOf("adapter_uri", a.adapterUri(), "adapter_digest", a.adapterDigest());
        if (a.lineage() != null) {
          checkModel("lineage.base_model", a.lineage().baseModel());
          requireDigest("lineage.quantized_artifact_digest", a.lineage().quantizedArtifactDigest());
          checkDatasets("lineage.datasets", a.lineage().datasets());
        }
      }
      case AdapterRegistered r -> requireDigest("digest", r.digest());
      case TrainingProgress p -> {}
      case CancelRequested c -> {}
      case JobFailed f -> {}
    }
  }

  private static void checkRequest(String prefix, FineTuneRequested r) {
    checkModel(prefix + "base_model", r.baseModel());
    checkDatasets(prefix + "datasets", r.datasets());
  }

  private static void checkModel(String field, ContentRef model) {
    modelName(field + ".uri", model.uri());
    requireDigest(field + ".sha256", model.sha256());
  }

  private static void checkDatasets(String field, List<DatasetRef> datasets) {
    if (datasets == null) {
      return;
    }
    for (int i = 0; i < datasets.size(); i++) {
      String at = field + "[" + i + "]";
      DatasetRef d = datasets.get(i);
      requireCasOf(at + ".uri", d.uri(), at + ".sha256", d.sha256());
    }
  }

  private static void requireDigest(String field, String digest) {
    if (!isDigest(digest)) {
      throw invalid(
          field, field + " must be 64 lower-case hex digits (SHA-256), got " + describe(digest));
    }
  }

  private static EventDecodingException invalid(String field, String message) {
    return new EventDecodingException(
        EventDecodingException.Reason.INVALID_REFERENCE, field, message);
  }

  /** A short, printable description of what came (paths and URIs named as such). */
  static String describe(String s) {
    if (s == null) {
      return "nothing";
    }
    String kind =
        s.startsWith("file:")
            ? "a file: URI "
            : s.startsWith("/") || s.startsWith("\\") || s.contains("/") || s.contains("\\")
                ? "a path "
                : "";
    StringBuilder out = new StringBuilder(kind).append('\'');
    int n = Math.min(s.length(), 80);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : c);
    }
    return out.append(s.length() > n ? "…'" : "'").toString();
  }
}
