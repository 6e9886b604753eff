package dev.cura.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys and values of the positions a model has already seen, per decoder layer, so that
 * generating one more token runs the layers over that token only ({@link LlamaModel#logits(NDArray,
 * KvCache, NDManager)}): the same attention as a full forward over the whole prefix, at a cost
 * linear instead of quadratic in the length. Keys are stored after RoPE. Owns its arrays; close it
 * when the sequence is done.
 */
public final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final List<Layer> layers = new ArrayList<>();
  private int length;

  KvCache(NDManager parent, int layerCount) {
    this.manager = parent.newSubManager();
    for (int i = 0; i < layerCount; i++) {
      layers.add(new Layer());
    }
  }

  /** Positions cached so far (the position of the next token). */
  public int length() {
    return length;
  }

  Layer layer(int i) {
    return layers.get(i);
  }

  void advance(int tokens) {
    length += tokens;
  }

  /** One layer's keys and values [B, kv, P, d]. */
  final class Layer {
    private NDArray keys;
    private NDArray values;

    /** Appends the new keys and values; returns all keys, as a temporary of {@code m}. */
    NDArray append(NDArray newKeys, NDArray newValues, NDManager m) {
      keys = grow(keys, newKeys);
      values = grow(values, newValues);
      return dev.cura.engine.nn.Nd.adopt(m, keys);
    }

    /** All values, as a temporary of {@code m}. */
    NDArray values(NDManager m) {
      return dev.cura.engine.nn.Nd.adopt(m, values);
    }

    private NDArray grow(NDArray old, NDArray added) {
      NDArray all = old == null ? added.duplicate() : NDArrays.concat(new NDList(old, added), 2);
      all.attach(manager);
      if (old != null) {
        old.close();
      }
      return all;
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
