package dev.cura.engine.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cura.events.JobSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptimizerKindTest {
  /** Adding an optimizer means adding it to the spec's closed set and here — nowhere else. */
  @Test
  void theEngineImplementsExactlyTheSpecsOptimizers() {
    assertEquals(JobSpec.OPTIMIZERS, OptimizerKind.names());
  }

  @Test
  void eachKindBuildsItsOptimizer(@TempDir Path dir) throws Exception {
    for (OptimizerKind k : OptimizerKind.values()) {
      try (Optimizer o = k.create(AdamWConfig.BNB_DEFAULTS, dir, PagedStates.PAGE)) {
        Class<? extends AdamW> want = k.eightBit() ? AdamW8bit.class : AdamW32.class;
        assertEquals(want, o.getClass(), k.specName());
        assertEquals(k, OptimizerKind.of(k.specName()));
      }
    }
  }

  @Test
  void anUnknownNameIsRefusedNamingTheSpecField() {
    var e = assertThrows(IllegalArgumentException.class, () -> OptimizerKind.of("adamw"));
    assertEquals(
        "optimizer.name must be one of [paged_adamw_32bit, paged_adamw_8bit, adamw_32bit], got 'adamw'",
        e.getMessage());
  }
}
