package dev.cura.cli.engine;

import dev.cura.engine.model.FamilyPresets;
import java.util.Iterator;

/**
 * The {@code --arch} names ({@link FamilyPresets#ARCHS}) of {@code synth} and {@code bench train},
 * for {@code ${COMPLETION-CANDIDATES}} in their help.
 */
public final class Archs implements Iterable<String> {
  @Override
  public Iterator<String> iterator() {
    return FamilyPresets.ARCHS.iterator();
  }
}
