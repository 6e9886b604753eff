package dev.cura.trainer;

import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.util.cuda.CudaUtils;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * Resolves {@code cura.trainer.device}: {@code auto} picks CUDA when a GPU is visible and the
 * bundled libtorch is a CUDA build (the default build ships the CPU one), CPU otherwise.
 */
final class DeviceSelector {
  private static final Logger LOG = Logger.getLogger(DeviceSelector.class);

  private DeviceSelector() {}

  static String resolve(String configured) {
    String d = configured.trim().toLowerCase(Locale.ROOT);
    return switch (d) {
      case "cpu", "cuda" -> d;
      case "auto" -> {
        String device = cudaUsable() ? "cuda" : "cpu";
        LOG.infof("device auto: training on %s", device);
        yield device;
      }
      default ->
          throw new IllegalArgumentException(
              "cura.trainer.device must be auto, cpu or cuda, got '" + configured + "'");
    };
  }

  /**
   * Memory a job may use on {@code device}: the configured limit, else the GPU's memory (cuda) or
   * the machine's, as the JVM sees it (container limits included).
   */
  static long memoryBudget(String device, java.util.Optional<Long> configured) {
    if (configured.isPresent()) {
      return configured.get();
    }
    if (device.equals("cuda")) {
      try {
        return CudaUtils.getGpuMemory(ai.djl.Device.gpu()).getMax();
      } catch (RuntimeException | LinkageError e) {
        LOG.warnf("GPU memory unknown (%s); not pre-checking jobs' memory", e.toString());
        return Long.MAX_VALUE;
      }
    }
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun
        ? sun.getTotalMemorySize()
        : Long.MAX_VALUE;
  }

  private static boolean cudaUsable() {
    try {
      // the GPU count needs no libtorch; only a machine with a GPU pays for loading it
      if (CudaUtils.getGpuCount() == 0) {
        return false;
      }
      boolean cuda = Engine.getEngine("PyTorch").hasCapability(StandardCapabilities.CUDA);
      if (!cuda) {
        LOG.warn("a GPU is visible but libtorch is a CPU build; training on the CPU");
      }
      return cuda;
    } catch (RuntimeException | LinkageError e) {
      LOG.warnf("CUDA probe failed (%s); training on the CPU", e.toString());
      return false;
    }
  }
}
