package dev.cura.engine.optim;

/** Where AdamW's two moment vectors (m, v) per parameter live. */
public interface StateStore extends AutoCloseable {
  /** Creates zeroed states of {@code n} elements for {@code name} if absent. */
  void ensure(String name, int n);

  /** Copies the states of {@code name} into m and v (brings them in). */
  void read(String name, float[] m, float[] v);

  /** Stores m and v back. */
  void write(String name, float[] m, float[] v);

  /** Bytes of state held in memory right now. */
  long residentBytes();

  @Override
  default void close() {}
}
