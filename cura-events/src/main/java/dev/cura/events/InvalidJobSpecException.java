package dev.cura.events;

import java.util.List;
import java.util.stream.Collectors;

/** A {@link JobSpec} outside the rules; the message lists every violation by its JSON path. */
public final class InvalidJobSpecException extends IllegalArgumentException {
  private final transient List<JobSpec.Violation> violations;

  public InvalidJobSpecException(List<JobSpec.Violation> violations) {
    super(violations.stream().map(JobSpec.Violation::message).collect(Collectors.joining("; ")));
    this.violations = List.copyOf(violations);
  }

  /** The violations, in field order (never empty). */
  public List<JobSpec.Violation> violations() {
    return violations;
  }
}
