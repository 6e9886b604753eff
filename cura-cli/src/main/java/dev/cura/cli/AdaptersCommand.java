package dev.cura.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.cli.client.CuraClient;
import dev.cura.cli.client.Printer;
import dev.cura.cli.client.ServiceCall;
import dev.cura.cli.stack.ServiceLauncher;
import dev.cura.core.store.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./cura adapters}: Adapters in the registry of the running stack. */
@Command(
    name = "adapters",
    description = "Adapters in the registry of the running stack (port 8083).",
    subcommands = {
      AdaptersCommand.List.class,
      AdaptersCommand.Versions.class,
      AdaptersCommand.Get.class,
      AdaptersCommand.Download.class,
      AdaptersCommand.Alias.class
    })
public final class AdaptersCommand extends CommandGroup {
  static final int PORT = ServiceLauncher.REGISTRY_PORT;

  /** The files of a version: an adapter in the PEFT layout. */
  static final java.util.List<String> FILES =
      java.util.List.of("adapter_config.json", "adapter_model.safetensors");

  /** A version's path in the registry's API: {@code v1/adapters/NAME/versions/VERSION}. */
  static String versionPath(String name, String version) {
    return "v1/adapters/" + CuraClient.enc(name) + "/versions/" + CuraClient.enc(version);
  }

  /**
   * Downloads the {@link #FILES} of the version at {@code versionPath} into {@code dir}, each
   * checked against the SHA-256 the registry sends as its ETag; returns each file's SHA-256.
   */
  static Map<String, String> download(CuraClient client, String versionPath, Path dir)
      throws IOException {
    Files.createDirectories(dir);
    var sha256 = new LinkedHashMap<String, String>();
    for (String file : FILES) {
      String etag = client.download(versionPath + "/files/" + file, dir.resolve(file));
      String sha = etag == null ? null : etag.replace("\"", "");
      String actual = Sha256.ofFile(dir.resolve(file));
      if (sha != null && !sha.equals(actual)) {
        throw new IOException(
            file + ": downloaded bytes have SHA-256 " + actual + ", the registry says " + sha);
      }
      sha256.put(file, actual);
    }
    return sha256;
  }

  /** A call to the registry. */
  abstract static class Call extends ServiceCall {
    Call() {
      super("adapters", PORT);
    }
  }

  /** A call about one adapter. */
  abstract static class AdapterCall extends Call {
    @Parameters(index = "0", description = "Adapter name.")
    String name;
  }

  /** A call about one version of an adapter, {@code NAME[:VERSION]}. */
  abstract static class VersionCall extends Call {
    @Parameters(index = "0", description = "NAME[:VERSION]; the version defaults to latest.")
    String ref;

    /** The version's path in the registry's API. */
    String versionPath() {
      int colon = ref.lastIndexOf(':');
      String name = colon < 0 ? ref : ref.substring(0, colon);
      return AdaptersCommand.versionPath(name, colon < 0 ? "latest" : ref.substring(colon + 1));
    }
  }

  @Command(name = "list", description = "Lists your adapters.")
  static final class List extends Call {
    @Override
    protected int run(CuraClient client) {
      JsonNode page = client.get("v1/adapters");
      var table = Printer.Table.start(System.out, "%-40s %7s  %s%n", "NAME", "LATEST", "UPDATED");
      for (JsonNode a : page.path("data")) {
        table.row(
            a.path("name").asText(),
            a.path("latest_version").asInt(),
            Printer.time(a.path("updated_at")));
      }
      return 0;
    }
  }

  @Command(name = "versions", description = "Lists the versions of an adapter.")
  static final class Versions extends AdapterCall {
    @Override
    protected int run(CuraClient client) {
      JsonNode page = client.get("v1/adapters/" + CuraClient.enc(name) + "/versions");
      var table =
          Printer.Table.start(
              System.out, "%-8s %-66s %-40s %s%n", "VERSION", "DIGEST", "JOB", "CREATED");
      for (JsonNode v : page.path("data")) {
        table.row(
            v.path("version").asInt(),
            v.path("digest").asText(),
            v.path("job_id").asText(),
            Printer.time(v.path("created_at")));
      }
      return 0;
    }
  }

  @Command(
      name = "get",
      description = "Shows one version with its lineage (NAME:VERSION, NAME:latest or NAME:alias).")
  static final class Get extends VersionCall {
    @Override
    protected int run(CuraClient client) {
      System.out.println(Printer.pretty(client.get(versionPath())));
      return 0;
    }
  }

  @Command(
      name = "download",
      description = "Downloads a version's adapter_config.json and adapter_model.safetensors.")
  static final class Download extends VersionCall {
    @Option(names = "--out", required = true, description = "Directory to write the files to.")
    Path out;

    @Override
    protected int run(CuraClient client) throws IOException {
      for (var f : download(client, versionPath(), out).entrySet()) {
        System.err.println(
            f.getKey()
                + "  "
                + Files.size(out.resolve(f.getKey()))
                + " bytes  sha256 "
                + f.getValue());
      }
      System.out.println(out.toAbsolutePath());
      return 0;
    }
  }

  @Command(
      name = "alias",
      description = "Shows an alias, or points it at a version with --version.")
  static final class Alias extends AdapterCall {
    @Parameters(index = "1", description = "Alias, e.g. prod.")
    String alias;

    @Option(names = "--version", description = "Point the alias at this version.")
    Integer version;

    @Override
    protected int run(CuraClient client) {
      String path = "v1/adapters/" + CuraClient.enc(name) + "/aliases/" + CuraClient.enc(alias);
      JsonNode r =
          version == null ? client.get(path) : client.put(path, Map.of("version", version));
      System.out.println(Printer.pretty(r));
      return 0;
    }
  }
}
