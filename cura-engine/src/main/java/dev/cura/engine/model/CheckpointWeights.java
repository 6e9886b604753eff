package dev.cura.engine.model;

import dev.cura.core.hf.CheckpointDir;
import dev.cura.core.safetensors.TensorInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A {@link WeightSource} over a Hugging Face checkpoint directory (single file or sharded), read
 * through cura-core's safetensors reader. Tensors are zero-copy views of the file mapping; {@link
 * TensorLoader} copies them into NDArrays.
 */
public final class CheckpointWeights implements WeightSource {
  private final CheckpointDir dir;
  private final Set<String> names;

  private CheckpointWeights(CheckpointDir dir) {
    this.dir = dir;
    this.names = new LinkedHashSet<>(dir.tensorNames());
  }

  /** Opens {@code path} (config.json + model.safetensors or shards). */
  public static CheckpointWeights open(Path path) throws IOException {
    return new CheckpointWeights(CheckpointDir.open(path));
  }

  public CheckpointDir dir() {
    return dir;
  }

  @Override
  public Set<String> names() {
    return names;
  }

  @Override
  public Tensor read(String name) {
    if (!names.contains(name)) {
      throw new IllegalArgumentException(
          "checkpoint " + dir.dir() + " has no tensor '" + name + "'");
    }
    TensorInfo info = dir.info(name);
    var data = dir.fileOf(name).data(name).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    return new Tensor(info.dtype().safetensorsName(), info.shape(), data);
  }

  @Override
  public void copyTo(String name, java.lang.foreign.MemorySegment dst) {
    try {
      dir.fileOf(name).read(dir.info(name), 0, dst);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      dir.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
