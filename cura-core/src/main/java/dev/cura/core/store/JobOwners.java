package dev.cura.core.store;

import dev.cura.core.util.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which tenant a job id belongs to, shared by the services through the artifact root: {@code
 * <root>/job-owners/<job id>} holds the tenant that first used the id. A job id is never reused
 * across tenants — an event that names another tenant's job id is refused (dead-lettered), so no
 * tenant can resume, cancel or fail another's job by guessing its id.
 */
public final class JobOwners {
  /** Job ids and tenants become directory names: letters, digits, '.', '_', '-'; 1-128 long. */
  public static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** How {@link #SAFE_NAME} is explained in messages. */
  public static final String SAFE_NAME_RULE =
      "1-128 characters of letters, digits, '.', '_' or '-', starting with a letter or digit";

  private final Path dir;

  public JobOwners(Path artifactRoot) {
    this.dir = artifactRoot.toAbsolutePath().resolve("job-owners");
  }

  /**
   * Claims {@code jobId} for {@code tenant}, or confirms the claim.
   *
   * @return true when the job is {@code tenant}'s; false when another tenant owns the id
   * @throws IllegalArgumentException when the job id or tenant cannot be a file name
   */
  public boolean claim(String tenant, String jobId) throws IOException {
    requireSafe("tenant", tenant);
    requireSafe("job id", jobId);
    Path file = dir.resolve(jobId);
    if (!AtomicFiles.createOnce(file, tenant.getBytes(StandardCharsets.UTF_8))) {
      return tenant.equals(owner(jobId).orElse(null));
    }
    return true;
  }

  /**
   * True unless {@code jobId} is owned by a tenant other than {@code tenant}; a null tenant (an
   * event that does not say) and a job id nobody has used yet are not refused.
   */
  public boolean mayAct(String tenant, String jobId) throws IOException {
    if (tenant == null) {
      return true;
    }
    Optional<String> owner = owner(jobId);
    return owner.isEmpty() || owner.get().equals(tenant);
  }

  /** The tenant that owns {@code jobId}, if any has used it. */
  public Optional<String> owner(String jobId) throws IOException {
    if (jobId == null || !SAFE_NAME.matcher(jobId).matches()) {
      return Optional.empty();
    }
    Path file = dir.resolve(jobId);
    return Files.isRegularFile(file)
        ? Optional.of(Files.readString(file, StandardCharsets.UTF_8))
        : Optional.empty();
  }

  /**
   * @throws IllegalArgumentException unless {@code value} matches {@link #SAFE_NAME}
   */
  public static String requireSafe(String what, String value) {
    if (value == null || !SAFE_NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(
          what
              + " must be "
              + SAFE_NAME_RULE
              + ", got "
              + (value == null ? "nothing" : "'" + printable(value) + "'"));
    }
    return value;
  }

  private static String printable(String s) {
    var out = new StringBuilder();
    for (int i = 0; i < Math.min(s.length(), 80); i++) {
      char c = s.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    return s.length() > 80 ? out + "…" : out.toString();
  }
}
