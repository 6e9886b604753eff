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
  PAGED_ADAMW_32BIT("paged_adamw_32bit", true, false),
  PAGED_ADAMW_8BIT("paged_adamw_8bit", true, true),
  ADAMW_32BIT("adamw_32bit", false, false);

  private final String specName;
  private final boolean paged;
  private final boolean eightBit;

  OptimizerKind(String specName, boolean paged, boolean eightBit) {
    this.specName = specName;
    this.paged = paged;
    this.eightBit = eightBit;
  }

  /** The name jobs use ({@code paged_adamw_32bit}, …). */
  public String specName() {
    return specName;
  }

  public boolean paged() {
    return paged;
  }

  public boolean eightBit() {
    return eightBit;
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
    StateStore states = paged ? new PagedStates(pageDir, residentBudget) : new HeapStates();
    return eightBit ? new AdamW8bit(cfg, states) : new AdamW32(cfg, states);
  }
}
