package dev.cura.engine.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.cuda.CudaUtils;
import dev.cura.engine.train.MemoryStats;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a model's tensors live, and the engine's one door between host (Java) memory and that
 * device: every upload and download of a training step goes through {@link #upload} / {@link
 * #download}, which count them, so a test on the CPU can show that a step makes exactly the
 * transfers it means to (token ids, labels, the loss, the gradient norm, the optimizer's paged
 * states) and no silent round trips. Scalars that ops take (see {@link Nd#mul}) are CPU 0-d
 * tensors, which libtorch passes to a device kernel as an argument: not transfers.
 *
 * <p>Peak memory: on the CPU the process's peak resident set (VmHWM, resettable through {@code
 * /proc/self/clear_refs}); on CUDA the device memory in use (total − free, so libtorch's caching
 * allocator's reserved blocks and the CUDA context count), sampled whenever {@link
 * #samplePeakMemory} is called (the step calls it after every layer's forward and backward).
 *
 * <p>One instance per device per process ({@link #of}).
 */
public final class ComputeDevice {
  private static final Map<Device, ComputeDevice> DEVICES = new ConcurrentHashMap<>();

  private final Device device;
  private final AtomicLong uploads = new AtomicLong();
  private final AtomicLong downloads = new AtomicLong();
  private final AtomicLong uploadBytes = new AtomicLong();
  private final AtomicLong downloadBytes = new AtomicLong();
  private final AtomicLong peakDeviceBytes = new AtomicLong();

  private ComputeDevice(Device device) {
    this.device = device;
  }

  /** The instance for a DJL device. */
  public static ComputeDevice of(Device device) {
    return DEVICES.computeIfAbsent(device, ComputeDevice::new);
  }

  public static ComputeDevice cpu() {
    return of(Device.cpu());
  }

  /**
   * {@code cpu}, {@code cuda}, {@code cuda:N} or {@code auto} (the first GPU if libtorch sees one,
   * else the CPU).
   */
  public static ComputeDevice parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.equals("auto")) {
      return of(
          ai.djl.engine.Engine.getInstance().defaultDevice().isGpu() ? Device.gpu() : cpu().device);
    }
    if (n.equals("cpu")) {
      return cpu();
    }
    if (n.equals("cuda") || n.equals("gpu")) {
      return of(Device.gpu());
    }
    if (n.startsWith("cuda:")) {
      try {
        return of(Device.gpu(Integer.parseInt(n.substring(5))));
      } catch (NumberFormatException e) {
        // fall through to the error
      }
    }
    throw new IllegalArgumentException(
        "--device must be cpu, cuda, cuda:N or auto, got '" + name + "'");
  }

  public Device djl() {
    return device;
  }

  public boolean isGpu() {
    return device.isGpu();
  }

  /**
   * The compute dtype to use when none is asked for: bf16 on a GPU (QLoRA's
   * bnb_4bit_compute_dtype), float32 on the CPU, where it measured faster (docs/engine.md: without
   * AMX, libtorch's bf16 matrix products reach about half the float32 rate on avx512_bf16 CPUs).
   */
  public DataType defaultComputeDtype() {
    return isGpu() ? DataType.BFLOAT16 : DataType.FLOAT32;
  }

  /** float32 values from the host as a new tensor of {@code shape} on this device, in {@code m}. */
  public NDArray upload(NDManager m, float[] values, Shape shape) {
    count(uploads, uploadBytes, 4L * values.length);
    return onDevice(m, Nd.owned(m, MemorySegment.ofArray(values), shape, DataType.FLOAT32));
  }

  /** int64 values from the host as a new tensor of {@code shape} on this device, in {@code m}. */
  public NDArray upload(NDManager m, long[] values, Shape shape) {
    count(uploads, uploadBytes, 8L * values.length);
    return onDevice(m, Nd.owned(m, MemorySegment.ofArray(values), shape, DataType.INT64));
  }

  /** A float32 (or narrower float, widened by libtorch) tensor's values on the host. */
  public float[] download(NDArray x) {
    NDArray f = Nd.dtype(x) == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
    try {
      float[] v = f.toFloatArray();
      count(downloads, downloadBytes, 4L * v.length);
      return v;
    } finally {
      if (f != x) {
        f.close();
      }
    }
  }

  /**
   * A float32 tensor's values into {@code dst} (exactly its size). On the CPU they are copied
   * straight out of the tensor's storage, with no intermediate array; elsewhere through {@link
   * #download(NDArray)}.
   */
  public void download(NDArray x, float[] dst) {
    long n = x.getShape().size();
    if (n != dst.length) {
      throw new IllegalArgumentException(
          "a " + x.getShape() + " tensor does not fit " + dst.length + " floats");
    }
    if (isGpu() || Nd.dtype(x) != DataType.FLOAT32) {
      System.arraycopy(download(x), 0, dst, 0, dst.length);
      return;
    }
    MemorySegment.copy(Nd.storage(x), ValueLayout.JAVA_FLOAT, 0, dst, 0, dst.length);
    count(downloads, downloadBytes, 4L * dst.length);
  }

  /** A one-element tensor's value on the host. */
  public double downloadScalar(NDArray x) {
    try (NDArray d = x.toType(DataType.FLOAT64, true)) {
      count(downloads, downloadBytes, 8);
      return d.getDouble();
    }
  }

  private NDArray onDevice(NDManager m, NDArray x) {
    if (x.getDevice().equals(device)) {
      return x;
    }
    NDArray moved = x.toDevice(device, false);
    x.close();
    moved.attach(m);
    return moved;
  }

  private static void count(AtomicLong n, AtomicLong bytes, long b) {
    n.incrementAndGet();
    bytes.addAndGet(b);
  }

  /** Transfers counted so far. */
  public Transfers transfers() {
    return new Transfers(uploads.get(), downloads.get(), uploadBytes.get(), downloadBytes.get());
  }

  /**
   * Host↔device transfers since process start (or the difference of two snapshots).
   *
   * @param uploads host → device copies
   * @param downloads device → host copies
   * @param uploadBytes bytes uploaded
   * @param downloadBytes bytes downloaded
   */
  public record Transfers(long uploads, long downloads, long uploadBytes, long downloadBytes) {
    public Transfers minus(Transfers before) {
      return new Transfers(
          uploads - before.uploads,
          downloads - before.downloads,
          uploadBytes - before.uploadBytes,
          downloadBytes - before.downloadBytes);
    }
  }

  /** Starts a new peak-memory window (a step). */
  public void resetPeakMemory() {
    if (isGpu()) {
      peakDeviceBytes.set(0);
      samplePeakMemory();
    } else {
      MemoryStats.resetPeakRss();
    }
  }

  /**
   * Records the device memory in use now into the window's peak (a no-op on the CPU). Where the
   * CUDA runtime cannot be queried (DJL reaches it through JNA's {@code cudart}), the peak reads −1
   * and training goes on.
   */
  public void samplePeakMemory() {
    if (isGpu() && !memoryQueryFailed) {
      try {
        long used = CudaUtils.getGpuMemory(device).getCommitted();
        peakDeviceBytes.accumulateAndGet(used, Math::max);
      } catch (RuntimeException | LinkageError e) {
        memoryQueryFailed = true;
        peakDeviceBytes.set(-1);
        org.slf4j.LoggerFactory.getLogger(ComputeDevice.class)
            .warn(
                "cannot read CUDA memory (set -Djna.library.path to libcudart's directory): {}",
                e.toString());
      }
    }
  }

  private volatile boolean memoryQueryFailed;

  /** Peak device memory of the current window, bytes (CPU: the process's peak RSS). */
  public long peakMemoryBytes() {
    if (isGpu()) {
      samplePeakMemory();
      return memoryQueryFailed ? -1 : peakDeviceBytes.get();
    }
    return MemoryStats.windowPeakRssBytes();
  }

  /** {@code cpu} or {@code cuda:N}: the name {@link #parse} reads back. */
  public String name() {
    return isGpu() ? "cuda:" + device.getDeviceId() : "cpu";
  }

  @Override
  public String toString() {
    return name();
  }
}
