package dev.cura.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.cli.client.ClientException;
import dev.cura.cli.client.CuraClient;
import dev.cura.cli.client.JobFollower;
import dev.cura.cli.demo.DemoReport;
import dev.cura.cli.demo.ReplyComparison;
import dev.cura.cli.quant.Progress;
import dev.cura.cli.stack.ApiKey;
import dev.cura.cli.stack.LocalStack;
import dev.cura.cli.stack.StackPaths;
import dev.cura.core.store.Sha256;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./cura demo}: the whole system on the bundled example. Starts the local stack unless it is
 * up, registers the bundled base model ({@code models/cura-small}, or {@code --base}), uploads the
 * youtube-replies data set, submits a QLoRA job (NF4 + double quantization, paged AdamW) over REST,
 * follows its live events, downloads the registered adapter from the registry and compares the base
 * model with the fine-tuned one on validation comments: the job's loss curve, eval loss, replies
 * side by side for each kind of comment, and how often replies follow the voice rules. Stops the
 * stack it started unless {@code --keep-running}.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the whole system on the bundled example: fine-tunes the bundled base model"
          + " (models/cura-small, or --base) to reply to YouTube comments in the channel owner's voice"
          + " (datasets/youtube-replies) and shows replies before and after.",
      "Starts the local stack if needed (./cura up) and stops it afterwards unless"
          + " --keep-running."
    })
public final class DemoCommand implements Callable<Integer> {
  static final String DEFAULT_BASE = "cura-small";

  /** The base used when {@link #DEFAULT_BASE}'s weights are not in the checkout. */
  static final String FALLBACK_BASE = "cura-tiny";

  static final String DATA_DIR = "datasets/youtube-replies";

  /** Longest youtube-replies example with either bundled chat template is under 70 tokens. */
  static final int SEQ_LEN = 96;

  /** The job's settings for a bundled base: chosen by the sweep in its MODEL_CARD.md. */
  record JobDefaults(int steps, int batchSize, double lr, int rank) {}

  static final Map<String, JobDefaults> DEFAULTS =
      Map.of(
          "cura-small", new JobDefaults(200, 8, 2e-3, 16),
          "cura-tiny", new JobDefaults(150, 8, 2e-3, 16));

  @Option(
      names = "--base",
      description =
          "base model: a bundled one (models/NAME: cura-small, the default; cura-tiny: 5×"
              + " smaller and faster) or a Hugging Face Llama directory")
  String base;

  @Option(
      names = "--steps",
      description = "training steps (default: the base's, cura-small 200, cura-tiny 150)")
  Integer steps;

  @Option(names = "--batch-size", description = "(default: the base's, 8)")
  Integer batchSize;

  @Option(names = "--lr", description = "LoRA learning rate (default: the base's, 2e-3)")
  Double lr;

  @Option(names = "--rank", description = "LoRA r, alpha = 2r (default: the base's, 16)")
  Integer rank;

  @Option(names = "--seed", defaultValue = "42", description = "(${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--keep-running", description = "leave the local stack running afterwards")
  boolean keepRunning;

  @Option(names = "--no-up", description = "use a stack that is already running; never start one")
  boolean noUp;

  @Option(
      names = "--samples",
      defaultValue = "40",
      description = "validation comments scored (${DEFAULT-VALUE})")
  int samples;

  @Option(
      names = "--show",
      defaultValue = "6",
      description = "comments shown side by side, one of each kind first (${DEFAULT-VALUE})")
  int show;

  @Option(
      names = "--gateway",
      defaultValue = "http://127.0.0.1:" + JobsCommand.PORT,
      description = "(${DEFAULT-VALUE})")
  URI gateway;

  @Option(
      names = "--registry",
      defaultValue = "http://127.0.0.1:" + AdaptersCommand.PORT,
      description = "(${DEFAULT-VALUE})")
  URI registry;

  @Option(
      names = "--timeout-minutes",
      defaultValue = "30",
      description = "give up on the job after (${DEFAULT-VALUE})")
  long timeoutMinutes;

  @Option(
      names = "--compare-only",
      paramLabel = "ADAPTER_DIR",
      description = "skip the services: compare the base model with this PEFT adapter directory")
  Path compareOnly;

  @Option(
      names = "--no-base-replies",
      description =
          "with --compare-only: generate only the fine-tuned replies (the settings sweep compares"
              + " adapters of one base)")
  boolean noBaseReplies;

  @Override
  public Integer call() {
    long t0 = System.nanoTime();
    StackPaths paths = StackPaths.current();
    Path repo = paths.repo();
    Path model = base != null ? baseDir(repo, base) : defaultBase(repo);
    JobDefaults d =
        DEFAULTS.getOrDefault(model.getFileName().toString(), DEFAULTS.get(DEFAULT_BASE));
    steps = steps != null ? steps : d.steps();
    batchSize = batchSize != null ? batchSize : d.batchSize();
    lr = lr != null ? lr : d.lr();
    rank = rank != null ? rank : d.rank();
    Path train = repo.resolve(DATA_DIR).resolve("train.jsonl");
    Path valid = repo.resolve(DATA_DIR).resolve("valid.jsonl");
    for (Path p : new Path[] {model.resolve("model.safetensors"), train, valid}) {
      if (!Files.isRegularFile(p)) {
        System.err.println(
            "cura demo: expected "
                + p
                + (p.startsWith(repo.resolve("models"))
                    ? " (part of the repository); is this a complete checkout? ("
                        + repo.relativize(model)
                        + "/recipe/build.sh rebuilds the model)"
                    : " (--base must name a bundled model or a Hugging Face Llama directory)"));
        return 2;
      }
    }
    if (compareOnly != null) {
      return compare(model, compareOnly, valid, null, Collections.emptySortedMap(), t0);
    }
    LocalStack stack = new LocalStack(paths, System.out);
    boolean startedStack = false;
    AtomicBoolean stopped = new AtomicBoolean();
    // Ctrl-C ends the JVM without running finally blocks: a hook stops what the demo started
    Thread stopHook = new Thread(() -> stopStack(stack, stopped), "cura-demo-stop");
    try {
      String key = ApiKey.readOrCreate(paths.apiKey());
      if (!new CuraClient(gateway.toString(), key).ready()) {
        if (noUp) {
          System.err.println("cura demo: the gateway at " + gateway + " is not ready (--no-up)");
          return 1;
        }
        section("1/6 starting the local stack (./cura up)");
        startedStack = true; // from here on, whatever up started is stopped at the end
        if (!keepRunning) {
          Runtime.getRuntime().addShutdownHook(stopHook);
        }
        if (stack.up(Duration.ofMinutes(10), false) != 0) {
          System.err.println("cura demo: ./cura up failed; see .cura/local/logs");
          return 1;
        }
        key = ApiKey.readOrCreate(paths.apiKey());
      } else {
        section("1/6 the local stack is already up");
      }
      return runJob(
          new CuraClient(gateway.toString(), key),
          new CuraClient(registry.toString(), key),
          model,
          train,
          valid,
          t0);
    } catch (ClientException | LocalStack.StackException e) {
      System.err.println("cura demo: " + e.getMessage());
      return 1;
    } catch (IOException | RuntimeException e) {
      System.err.println("cura demo: failed: " + e);
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.err.println("cura demo: interrupted");
      return 1;
    } finally {
      if (startedStack && !keepRunning) {
        stopStack(stack, stopped);
        try {
          Runtime.getRuntime().removeShutdownHook(stopHook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running or has run
        }
      }
    }
  }

  private static void stopStack(LocalStack stack, AtomicBoolean stopped) {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    section("stopping the stack this demo started (--keep-running leaves it up)");
    try {
      stack.down();
    } catch (IOException | RuntimeException e) {
      System.err.println("cura demo: ./cura down failed: " + e.getMessage());
    }
  }

  /** models/NAME for a bundled base, else {@code base} as a directory. */
  static Path baseDir(Path repo, String base) {
    Path bundled = repo.resolve("models").resolve(base);
    return base.matches("[A-Za-z0-9._-]+") && Files.isDirectory(bundled)
        ? bundled
        : Path.of(base).toAbsolutePath().normalize();
  }

  /**
   * models/cura-small; models/cura-tiny (with a note) in a checkout where cura-small's weights have
   * not been built yet.
   */
  static Path defaultBase(Path repo) {
    Path preferred = repo.resolve("models").resolve(DEFAULT_BASE);
    if (Files.isRegularFile(preferred.resolve("model.safetensors"))) {
      return preferred;
    }
    System.out.println(
        "cura demo: models/"
            + DEFAULT_BASE
            + " has no weights in this checkout (models/"
            + DEFAULT_BASE
            + "/recipe/build.sh builds them); using models/"
            + FALLBACK_BASE
            + " (--base chooses)");
    return repo.resolve("models").resolve(FALLBACK_BASE);
  }

  private int runJob(
      CuraClient gatewayClient,
      CuraClient registryClient,
      Path model,
      Path train,
      Path valid,
      long t0)
      throws IOException, InterruptedException {
    String modelId = model.getFileName().toString();
    section("2/6 registering the base model " + modelId + " (" + model + ")");
    JsonNode m = gatewayClient.post("v1/models", Map.of("id", modelId, "path", model.toString()));
    System.out.printf(
        Locale.ROOT,
        "  %s: %s, %,d bytes, sha256 %s%n",
        m.path("id").asText(),
        m.path("model_type").asText(),
        m.path("bytes").asLong(),
        m.path("sha256").asText());

    section("3/6 uploading the data set (" + DATA_DIR + ")");
    String trainId = upload(gatewayClient, train);
    String validId = upload(gatewayClient, valid);

    section("4/6 submitting the fine-tuning job (QLoRA: NF4 + double quant, paged AdamW)");
    System.out.printf(
        Locale.ROOT,
        "  %d steps × batch %d, LoRA r=%d α=%d on all decoder linears, lr %.0e, seed %d%n",
        steps,
        batchSize,
        rank,
        2 * rank,
        lr,
        seed);
    ObjectNode req = new ObjectMapper().createObjectNode();
    req.put("model", modelId);
    req.put("training_file", trainId);
    req.put("validation_file", validId);
    req.putObject("hyperparameters")
        .put("max_steps", steps)
        .put("batch_size", batchSize)
        .put("learning_rate", lr)
        .put("lora_r", rank)
        .put("lora_alpha", 2 * rank)
        .put("lora_dropout", 0.05)
        .put("seq_len", SEQ_LEN);
    req.putObject("quantization").put("type", "nf4").put("double_quant", true);
    req.put("optimizer", "paged_adamw_32bit");
    req.put("suffix", "youtube-replies");
    req.put("seed", seed);
    JsonNode job = gatewayClient.post("v1/fine_tuning/jobs", req);
    String jobId = job.path("id").asText();
    System.out.println("  job " + jobId + " (" + job.path("status").asText() + ")");

    section("5/6 following the job's live events");
    JobFollower follower = new JobFollower(gatewayClient, System.out);
    JsonNode done = follower.follow(jobId, steps, Duration.ofMinutes(timeoutMinutes));
    String status = done.path("status").asText();
    if (!status.equals("succeeded")) {
      JsonNode err = done.path("error");
      System.err.println(
          "cura demo: job "
              + jobId
              + " ended "
              + status
              + (err.isObject() ? ": " + err.path("message").asText() : ""));
      if (!status.equals("failed") && !status.equals("cancelled")) {
        gatewayClient.post("v1/fine_tuning/jobs/" + CuraClient.enc(jobId) + "/cancel", Map.of());
      }
      return 1;
    }
    String fineTuned = done.path("fine_tuned_model").asText();
    int colon = fineTuned.lastIndexOf(':');
    if (colon <= 0) {
      System.err.println(
          "cura demo: expected fine_tuned_model name:version, got '" + fineTuned + "'");
      return 1;
    }
    String name = fineTuned.substring(0, colon);
    int version = Integer.parseInt(fineTuned.substring(colon + 1));
    String versionPath = AdaptersCommand.versionPath(name, String.valueOf(version));
    JsonNode lineage = registryClient.get(versionPath);
    Path adapterDir = StackPaths.current().local().resolve("demo").resolve(name + "-v" + version);
    AdaptersCommand.download(registryClient, versionPath, adapterDir);
    return compare(
        model,
        adapterDir,
        valid,
        new DemoReport.Adapter(fineTuned, lineage),
        new TreeMap<>(follower.progress().losses()),
        t0);
  }

  private int compare(
      Path model,
      Path adapter,
      Path valid,
      DemoReport.Adapter registered,
      SortedMap<Long, Double> losses,
      long t0) {
    section("6/6 base model vs fine-tuned, on " + samples + " validation comments");
    ReplyComparison.Result r;
    try (ProgressBar bar =
        Progress.bar("replies", (noBaseReplies ? 1L : 2L) * samples)
            .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.out))
            .build()) {
      r = ReplyComparison.run(model, adapter, valid, samples, "nf4", !noBaseReplies, bar::stepTo);
    } catch (IOException | RuntimeException e) {
      System.err.println("cura demo: comparing replies failed: " + e.getMessage());
      return 1;
    }
    String digest;
    long bytes;
    try {
      bytes =
          Files.size(adapter.resolve("adapter_model.safetensors"))
              + Files.size(adapter.resolve("adapter_config.json"));
      digest = Sha256.ofFile(adapter.resolve("adapter_model.safetensors"));
    } catch (IOException e) {
      System.err.println(
          "cura demo: cannot read the adapter in " + adapter + ": " + e.getMessage());
      return 1;
    }
    System.out.print(
        DemoReport.format(
            registered, adapter, bytes, digest, r, losses, show, (System.nanoTime() - t0) / 1e9));
    return 0;
  }

  private static String upload(CuraClient client, Path file) throws IOException {
    JsonNode f = client.upload(file);
    System.out.printf(
        Locale.ROOT,
        "  %s → %s (%,d bytes)%n",
        file.getFileName(),
        f.path("id").asText(),
        f.path("bytes").asLong());
    return f.path("id").asText();
  }

  private static void section(String title) {
    System.out.println();
    System.out.println("== " + title);
  }
}
