package dev.cura.trainer;

import java.util.Locale;
import org.jboss.logging.Logger;

/** Resolves {@code cura.trainer.device}: {@code auto} picks CUDA when a GPU is visible. */
final class DeviceSelector {
  private static final Logger LOG = Logger.getLogger(DeviceSelector.class);

  private DeviceSelector() {}

  static String resolve(String configured) {
    String d = configured.trim().toLowerCase(Locale.ROOT);
    return switch (d) {
      case "cpu", "cuda" -> d;
      case "auto" -> {
        int gpus = gpuCount();
        LOG.infof(
            "device auto: %d GPU(s) visible, training on %s", gpus, gpus > 0 ? "cuda" : "cpu");
        yield gpus > 0 ? "cuda" : "cpu";
      }
      default ->
          throw new IllegalArgumentException(
              "cura.trainer.device must be auto, cpu or cuda, got '" + configured + "'");
    };
  }

  private static int gpuCount() {
    try {
      return ai.djl.util.cuda.CudaUtils.getGpuCount();
    } catch (RuntimeException | LinkageError e) {
      return 0; // no CUDA runtime on this machine
    }
  }
}
