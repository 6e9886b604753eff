package dev.cura.engine.optim;

import dev.cura.engine.nn.LoraParams;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * An optimizer over the LoRA parameters. {@link #step} reads each parameter's accumulated gradient,
 * scales it by {@code gradScale} (gradient clipping), updates the parameter in place (without
 * autograd recording) and counts one step.
 */
public interface Optimizer extends AutoCloseable {
  /** Applies one update with learning rate {@code lr}. */
  void step(List<LoraParams.Param> params, double lr, float gradScale);

  /** Completed steps. */
  long steps();

  /** Writes the state (moments, step count) to {@code file}. */
  void save(Path file) throws IOException;

  /** Restores a state written by {@link #save} for the same parameters. */
  void load(Path file, List<LoraParams.Param> params) throws IOException;

  /** Bytes of optimizer state kept in memory right now (paged states count what is resident). */
  long residentStateBytes();

  /** Bytes of state moved between the page file and memory so far (0 when not paged). */
  long pagedBytes();

  @Override
  default void close() {}
}
