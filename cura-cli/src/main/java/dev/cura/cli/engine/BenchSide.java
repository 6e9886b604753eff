package dev.cura.cli.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cura.cli.stack.ServiceLauncher;
import dev.cura.core.synth.LlamaShape;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One side of {@code ./cura bench train} in a process of its own (so its peak RSS is its own): CURA
 * ({@link BenchTrainWorker} in a child JVM) or the PyTorch eager peer ({@code torch_peer.py} under
 * a Python with torch). Both get the same shape, sequence length, batch, rank, precision and thread
 * count: libtorch's intra-op pool of {@code threads}, one inter-op thread, OMP_NUM_THREADS set to
 * match, and the default allocator (no MALLOC_* settings).
 *
 * @param side cura or torch
 * @param quant nf4 or none
 * @param dtype fp32 or bf16
 */
public record BenchSide(String side, String quant, String dtype) {
  /** What every side shares. */
  public record Common(
      String params,
      String arch,
      LlamaShape shape,
      int seqLen,
      int rank,
      int batch,
      int warmup,
      int steps,
      int threads,
      String device,
      boolean halfEmbeddings,
      String xmx,
      String python,
      Path profileDir) {
    /** The Chrome trace file of a side's profiled step, or null without --profile. */
    public Path trace(BenchSide side) {
      return profileDir == null
          ? null
          : profileDir.resolve(side.side() + "-" + side.quant() + "-" + side.dtype() + ".json");
    }
  }

  public String label() {
    return side + " " + quant + " " + dtype;
  }

  /** Runs the side and returns its RESULT object. */
  public JsonNode run(Common c) throws IOException, InterruptedException {
    try (Running r = start(c, false)) {
      return r.result();
    }
  }

  /**
   * Starts the side's process. With {@code lockstep} it waits for {@link Running#advance} before
   * its build and before every step (warm-up, timed and profiled: the launcher says which), so a
   * launcher can run several sides one step at a time, alternating: each side's step n then runs
   * next to the others' step n under the same machine conditions, and their ratio is paired step by
   * step.
   */
  public Running start(Common c, boolean lockstep) throws IOException {
    List<String> cmd = side.equals("torch") ? peerCommand(c) : curaCommand(c);
    if (lockstep) {
      cmd.add(side.equals("torch") ? "--lockstep" : "lockstep=true");
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    if (c.threads() > 0) {
      // OpenMP (libtorch), and the BLAS a Python torch may be linked to (Debian's: OpenBLAS's
      // pthread build, which ignores OMP_NUM_THREADS and would otherwise use every core)
      for (String v : List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")) {
        pb.environment().put(v, Integer.toString(c.threads()));
      }
    }
    pb.environment().remove("MALLOC_MMAP_THRESHOLD_");
    pb.environment().remove("MALLOC_TRIM_THRESHOLD_");
    return new Running(pb.start(), cmd, lockstep);
  }

  /** A started side: its process, stepped by {@link #advance} in lockstep, then its result. */
  public final class Running implements AutoCloseable {
    private final Process proc;
    private final List<String> cmd;
    private final BufferedReader out;
    private final java.io.Writer in;
    private final boolean lockstep;

    private Running(Process proc, List<String> cmd, boolean lockstep) {
      this.proc = proc;
      this.cmd = cmd;
      this.lockstep = lockstep;
      this.out =
          new BufferedReader(
              new InputStreamReader(
                  proc.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
      this.in =
          new java.io.OutputStreamWriter(
              proc.getOutputStream(), java.nio.charset.StandardCharsets.UTF_8);
    }

    public BenchSide side() {
      return BenchSide.this;
    }

    /**
     * Lets the side run its next phase — {@code what}: build, warmup, timed or profile — and waits
     * until it reports the phase done; returns that line ({@code READY}, or {@code STEP n warm} /
     * {@code STEP n compiling}: whether its JIT still spent a noticeable share of the step
     * compiling).
     */
    public String advance(String what) throws IOException {
      in.write("go " + what + "\n");
      in.flush();
      String line;
      while ((line = out.readLine()) != null) {
        if (line.equals("READY") || line.startsWith("STEP ")) {
          return line;
        }
      }
      throw failed();
    }

    /**
     * Whether the process is alive and has printed nothing that was not asked for (a side waiting
     * at its gate).
     */
    boolean isWaiting() throws IOException {
      return proc.isAlive() && !out.ready() && proc.getInputStream().available() == 0;
    }

    /**
     * Returns the side's RESULT object, reading its output to the end (in lockstep, it first lets
     * the side go on to print it and exit: an exiting process takes CPU, so it waits until no other
     * side is stepping).
     */
    public JsonNode result() throws IOException, InterruptedException {
      if (lockstep) {
        in.write("go result\n");
        in.flush();
      }
      JsonNode result = null;
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("RESULT ")) {
          result = new ObjectMapper().readTree(line.substring(7));
        }
      }
      if (proc.waitFor() != 0 || result == null) {
        throw failed();
      }
      return result;
    }

    private IllegalStateException failed() {
      String rc = proc.isAlive() ? "still running" : "exit " + proc.exitValue();
      return new IllegalStateException(
          "benchmark side '" + label() + "' failed (" + rc + "): " + String.join(" ", cmd));
    }

    /** Ends the process if it is still running (a side that failed leaves the others here). */
    @Override
    public void close() {
      proc.destroy();
    }
  }

  private List<String> curaCommand(Common c) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("-Xmx" + c.xmx());
    cmd.add(ServiceLauncher.TRAINER_YOUNG_GEN); // the heap the trainer service runs with
    cmd.add("--add-modules");
    cmd.add("jdk.incubator.vector");
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-Dai.djl.offline=true");
    if (c.threads() > 0) {
      cmd.add("-Dai.djl.pytorch.num_threads=" + c.threads());
      cmd.add("-Dai.djl.pytorch.num_interop_threads=1");
    }
    for (String p :
        List.of(
            "ai.djl.pytorch.graph_optimizer",
            "jna.library.path",
            "DJL_CACHE_DIR", // where the launcher's libtorch is, when set as a property (tests)
            "ENGINE_CACHE_DIR",
            "java.util.logging.manager")) {
      if (System.getProperty(p) != null) {
        cmd.add("-D" + p + "=" + System.getProperty(p));
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(BenchTrainWorker.class.getName());
    cmd.add("quant=" + quant);
    cmd.add("params=" + c.params());
    if (c.arch() != null) {
      cmd.add("arch=" + c.arch());
    }
    cmd.add("seq=" + c.seqLen());
    cmd.add("rank=" + c.rank());
    cmd.add("batch=" + c.batch());
    cmd.add("warmup=" + c.warmup());
    cmd.add("steps=" + c.steps());
    cmd.add("half=" + c.halfEmbeddings());
    cmd.add("dtype=" + dtype);
    cmd.add("device=" + c.device());
    cmd.add("threads=" + c.threads());
    Path trace = c.trace(this);
    if (trace != null) {
      cmd.add("profile=" + trace.toAbsolutePath());
    }
    return cmd;
  }

  private List<String> peerCommand(Common c) throws IOException {
    LlamaShape s = c.shape();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                c.python(),
                peerScript().toString(),
                "--quant",
                quant,
                "--dtype",
                dtype,
                "--hidden",
                Integer.toString(s.hidden()),
                "--layers",
                Integer.toString(s.layers()),
                "--heads",
                Integer.toString(s.heads()),
                "--kv-heads",
                Integer.toString(s.kvHeads()),
                "--intermediate",
                Integer.toString(s.intermediate()),
                "--vocab",
                Integer.toString(s.vocab()),
                "--seq-len",
                Integer.toString(c.seqLen()),
                "--batch",
                Integer.toString(c.batch()),
                "--rank",
                Integer.toString(c.rank()),
                "--warmup",
                Integer.toString(c.warmup()),
                "--steps",
                Integer.toString(c.steps()),
                "--threads",
                Integer.toString(c.threads()),
                "--device",
                c.device()));
    Path trace = c.trace(this);
    if (trace != null) {
      cmd.add("--profile");
      cmd.add(trace.toAbsolutePath().toString());
    }
    return cmd;
  }

  /** The peer script, copied out of the CLI's jar (it ships as a resource). */
  public static Path peerScript() throws IOException {
    Path f = Files.createTempFile("cura-torch-peer", ".py");
    f.toFile().deleteOnExit();
    try (InputStream in =
        BenchSide.class.getResourceAsStream("/dev/cura/cli/bench/torch_peer.py")) {
      if (in == null) {
        throw new IllegalStateException("torch_peer.py is missing from the CLI's resources");
      }
      Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
    }
    return f;
  }
}
