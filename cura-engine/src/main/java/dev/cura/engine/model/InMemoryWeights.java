package dev.cura.engine.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A {@link WeightSource} over tensors held in memory (tests, synthetic benchmarks, pretraining).
 */
public final class InMemoryWeights implements WeightSource {
  private final Map<String, Tensor> tensors = new LinkedHashMap<>();

  /** Adds a float32 tensor. */
  public InMemoryWeights putF32(String name, float[] values, long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != values.length) {
      throw new IllegalArgumentException(
          name + ": shape holds " + n + " elements, got " + values.length + " values");
    }
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    tensors.put(name, new Tensor("F32", shape.clone(), b));
    return this;
  }

  /** Adds a tensor given as raw little-endian bytes. */
  public InMemoryWeights put(String name, String dtype, ByteBuffer data, long... shape) {
    tensors.put(
        name, new Tensor(dtype, shape.clone(), data.duplicate().order(ByteOrder.LITTLE_ENDIAN)));
    return this;
  }

  /** Float32 values of a stored F32 tensor. */
  public float[] floats(String name) {
    Tensor t = read(name);
    if (!t.dtype().equals("F32")) {
      throw new IllegalArgumentException(name + ": expected F32, got " + t.dtype());
    }
    float[] out = new float[t.data().remaining() / 4];
    t.data().asFloatBuffer().get(out);
    return out;
  }

  @Override
  public Set<String> names() {
    return tensors.keySet();
  }

  @Override
  public Tensor read(String name) {
    Tensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException("missing tensor '" + name + "'");
    }
    return new Tensor(
        t.dtype(), t.shape(), t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).rewind());
  }
}
