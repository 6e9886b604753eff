package dev.cura.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.cli.client.ClientException;
import dev.cura.cli.client.CuraClient;
import dev.cura.cli.client.JobFollower;
import dev.cura.cli.client.Printer;
import dev.cura.cli.client.ServiceCall;
import dev.cura.cli.stack.ServiceLauncher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ./cura jobs}: Fine-tuning jobs of the running stack. */
@Command(
    name = "jobs",
    description = "Fine-tuning jobs of the running stack (gateway, port 8080).",
    subcommands = {
      JobsCommand.Upload.class,
      JobsCommand.Create.class,
      JobsCommand.List.class,
      JobsCommand.Get.class,
      JobsCommand.Cancel.class,
      JobsCommand.Events.class
    })
public final class JobsCommand extends CommandGroup {
  static final int PORT = ServiceLauncher.GATEWAY_PORT;

  /** A call to the gateway. */
  abstract static class Call extends ServiceCall {
    Call() {
      super("jobs", PORT);
    }
  }

  /** A call about one job. */
  abstract static class JobCall extends Call {
    @Parameters(index = "0")
    String id;
  }

  @Command(
      name = "upload",
      description = "Uploads a JSONL training file; prints its file id as the last line.")
  static final class Upload extends Call {
    @Parameters(index = "0", description = "JSONL file (chat messages or prompt/completion).")
    Path file;

    @Override
    protected int run(CuraClient client) throws IOException {
      JsonNode f = client.upload(file);
      System.err.printf(
          "%s: %d %s examples, %d bytes, sha256 %s%n",
          file,
          f.path("examples").asLong(),
          f.path("format").asText(),
          f.path("bytes").asLong(),
          f.path("sha256").asText());
      System.out.println(f.path("id").asText());
      return 0;
    }
  }

  /** The training data of a new job: an uploaded file's id, or a file to upload first. */
  static final class TrainingFile {
    @Option(names = "--training-file", description = "File id of an uploaded training file.")
    String trainingFile;

    @Option(names = "--file", description = "Upload this JSONL file and train on it.")
    Path file;

    /** The file id (uploading --file first); exactly one of the two flags must be given. */
    String id(CuraClient client) throws IOException {
      if ((trainingFile == null) == (file == null)) {
        throw new ClientException("give exactly one of --training-file ID or --file PATH");
      }
      if (file == null) {
        return trainingFile;
      }
      String uploaded = client.upload(file).path("id").asText();
      System.err.println("uploaded " + file + " as " + uploaded);
      return uploaded;
    }
  }

  /** {@code --follow} of create and events: stream the job's events until it ends. */
  static final class Follow {
    @Option(names = "--follow", description = "Stream the job's events live until it finishes.")
    boolean requested;

    /**
     * Streams until the job ends (a progress bar over the training steps on a terminal); exit code
     * 0 when it succeeded.
     */
    static int untilEnd(CuraClient client, String id) {
      JsonNode job;
      try {
        job = new JobFollower(client, System.err).follow(id, 0, java.time.Duration.ofDays(7));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ClientException("interrupted");
      }
      String status = job.path("status").asText();
      System.err.println(
          "job "
              + id
              + " "
              + status
              + (job.path("fine_tuned_model").isTextual()
                  ? ": " + job.path("fine_tuned_model").asText()
                  : "")
              + (job.path("error").isObject()
                  ? ": " + job.path("error").path("message").asText()
                  : ""));
      return status.equals("succeeded") ? 0 : 1;
    }
  }

  @Command(
      name = "create",
      modelTransformer = RequestFlags.class,
      description = {
        "Creates a fine-tuning job; prints its id as the last line.",
        "Settings not given take the job spec's defaults (docs/api.md), as ./cura train does."
      })
  static final class Create extends Call {
    @Option(names = "--model", required = true, description = "Base model id (see GET /v1/models).")
    String model;

    @Mixin TrainingFile training;

    @Mixin Follow follow;

    /** The command with the request's settings {@link RequestFlags} added. */
    @Spec CommandSpec command;

    @Override
    protected int run(CuraClient client) throws IOException {
      var body = new LinkedHashMap<String, Object>();
      body.put("model", model);
      body.put("training_file", training.id(client));
      RequestFlags.put(command, body);
      JsonNode job = client.post("v1/fine_tuning/jobs", body);
      String id = job.path("id").asText();
      System.err.println(
          "job "
              + id
              + " "
              + job.path("status").asText()
              + ", adapter "
              + job.path("adapter_name").asText());
      int rc = follow.requested ? Follow.untilEnd(client, id) : 0;
      System.out.println(id);
      return rc;
    }
  }

  @Command(name = "list", description = "Lists your jobs, newest first.")
  static final class List extends Call {
    @Option(names = "--limit", defaultValue = "20")
    int limit;

    @Option(names = "--after", description = "Job id: list the jobs older than it.")
    String after;

    @Override
    protected int run(CuraClient client) {
      String q = "v1/fine_tuning/jobs?limit=" + limit + (after == null ? "" : "&after=" + after);
      JsonNode page = client.get(q);
      var table =
          Printer.Table.start(
              System.out,
              "%-40s %-16s %-20s %-30s %s%n",
              "ID",
              "STATUS",
              "MODEL",
              "FINE-TUNED MODEL",
              "CREATED");
      for (JsonNode j : page.path("data")) {
        table.row(
            j.path("id").asText(),
            j.path("status").asText(),
            j.path("model").asText(),
            Printer.text(j, "fine_tuned_model"),
            Printer.time(j.path("created_at")));
      }
      if (page.path("has_more").asBoolean()) {
        System.err.println(
            "more: --after "
                + page.path("data").get(page.path("data").size() - 1).path("id").asText());
      }
      return 0;
    }
  }

  @Command(name = "get", description = "Shows a job.")
  static final class Get extends JobCall {
    @Override
    protected int run(CuraClient client) {
      System.out.println(Printer.pretty(client.get("v1/fine_tuning/jobs/" + id)));
      return 0;
    }
  }

  @Command(name = "cancel", description = "Cancels an unfinished job.")
  static final class Cancel extends JobCall {
    @Override
    protected int run(CuraClient client) {
      JsonNode j = client.post("v1/fine_tuning/jobs/" + id + "/cancel", java.util.Map.of());
      System.out.println(id + " " + j.path("status").asText());
      return 0;
    }
  }

  @Command(
      name = "events",
      description =
          "Shows a job's events (oldest first); --follow streams them live until it ends.")
  static final class Events extends JobCall {
    @Mixin Follow follow;

    @Option(names = "--limit", defaultValue = "100")
    int limit;

    @Override
    protected int run(CuraClient client) {
      if (follow.requested) {
        return Follow.untilEnd(client, id);
      }
      JsonNode page = client.get("v1/fine_tuning/jobs/" + id + "/events?limit=" + limit);
      var rows = new java.util.ArrayList<JsonNode>();
      page.path("data").forEach(rows::add);
      java.util.Collections.reverse(rows); // the API lists newest first
      rows.forEach(Events::print);
      return 0;
    }

    static void print(JsonNode e) {
      System.out.printf(
          "%s %-5s %s%n",
          Printer.time(e.path("created_at")), e.path("level").asText(), e.path("message").asText());
    }
  }
}
