package dev.cura.engine.optim;

import java.util.HashMap;
import java.util.Map;

/** Unpaged states: two float arrays per parameter on the Java heap. */
public final class HeapStates implements StateStore {
  private final Map<String, float[][]> states = new HashMap<>();

  @Override
  public void ensure(String name, int n) {
    states.computeIfAbsent(name, k -> new float[][] {new float[n], new float[n]});
  }

  @Override
  public void read(String name, float[] m, float[] v) {
    float[][] s = states.get(name);
    System.arraycopy(s[0], 0, m, 0, s[0].length);
    System.arraycopy(s[1], 0, v, 0, s[1].length);
  }

  @Override
  public void write(String name, float[] m, float[] v) {
    float[][] s = states.get(name);
    System.arraycopy(m, 0, s[0], 0, s[0].length);
    System.arraycopy(v, 0, s[1], 0, s[1].length);
  }

  @Override
  public long residentBytes() {
    long b = 0;
    for (float[][] s : states.values()) {
      b += 8L * s[0].length;
    }
    return b;
  }
}
