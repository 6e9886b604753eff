package dev.cura.engine.optim;

import dev.cura.engine.nn.LoraParams;
import java.nio.file.Path;
import java.util.List;

/** Placeholder until cura-core's dynamic maps land: blockwise 8-bit AdamW (QLORA-SPEC §7.4). */
public final class AdamW8bit implements Optimizer {
  public AdamW8bit(AdamWConfig cfg) {
    throw new UnsupportedOperationException(
        "paged_adamw_8bit needs cura-core's dynamic maps (not available in this build yet)");
  }

  @Override
  public void step(List<LoraParams.Param> params, double lr, float gradScale) {}

  @Override
  public long steps() {
    return 0;
  }

  @Override
  public void save(Path file) {}

  @Override
  public void load(Path file, List<LoraParams.Param> params) {}

  @Override
  public long residentStateBytes() {
    return 0;
  }
}
