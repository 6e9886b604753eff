package dev.cura.engine.optim;

import dev.cura.events.JobSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The optimizers a job can name ({@link JobSpec#OPTIMIZERS}, asserted equal by a test): AdamW with
 * 32-bit or blockwise 8-bit states, paged or not. Paging is the state store's ({@link
 * PagedStates}), so the 8-bit states page exactly like the 32-bit ones.
 */
public enum OptimizerKind {
  PAGED_ADAMW_32BIT("paged_adamw_32bit"),
  PAGED_ADAMW_8BIT("paged_adamw_8bit"),
  ADAMW_32BIT("adamw_32bit");

  private final String specName;

  OptimizerKind(String specName) {
    this.specName = specName;
  }

  /** The name jobs use ({@code paged_adamw_32bit}, …). */
  public String specName() {
    return specName;
  }

  /** States in a page file ({@code paged_…}, bitsandbytes' naming). */
  public boolean paged() {
    return specName.startsWith("paged_");
  }

  /** Blockwise 8-bit states ({@code …_8bit}). */
  public boolean eightBit() {
    return specName.endsWith("_8bit");
  }

  /** Every name, in declaration order. */
  public static List<String> names() {
    return Arrays.stream(values()).map(OptimizerKind::specName).toList();
  }

  /** The kind a job names; the message names the spec field {@code optimizer.name}. */
  public static OptimizerKind of(String name) {
    for (OptimizerKind k : values()) {
      if (k.specName.equals(name)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        JobSpec.Field.OPTIMIZER + " must be one of " + names() + ", got '" + name + "'");
  }

  /**
   * A new optimizer of this kind.
   *
   * @param pageDir where a paged kind puts its page file (deleted on close)
   * @param residentBudget bytes of state pages a paged kind keeps mapped
   */
  public Optimizer create(AdamWConfig cfg, Path pageDir, long residentBudget) throws IOException {
    StateStore states = paged() ? new PagedStates(pageDir, residentBudget) : new HeapStates();
    return eightBit() ? new AdamW8bit(cfg, states) : new AdamW32(cfg, states);
  }
}
