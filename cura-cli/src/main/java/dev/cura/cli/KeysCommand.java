package dev.cura.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.cli.client.ClientException;
import dev.cura.cli.client.ClientOptions;
import dev.cura.cli.client.CuraClient;
import dev.cura.cli.client.Printer;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./cura keys}: manages API keys of the running stack. The gateway and the registry each
 * keep their keys, so every subcommand talks to both: a key is created on both, revoked on both,
 * and listed with where it is known. Needs an operator key (any tenant) or a tenant's admin key
 * (its own tenant); the default is the stack's bootstrap key, an operator.
 */
@Command(
    name = "keys",
    description = "Manages API keys of the running stack (gateway and registry).",
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
public final class KeysCommand extends CommandGroup {
  /** The two services that hold keys. */
  static final class Services {
    @Mixin ClientOptions options;

    @Option(
        names = "--registry-url",
        defaultValue = "http://127.0.0.1:" + AdaptersCommand.PORT,
        description = "Registry base URL (default ${DEFAULT-VALUE}).")
    String registryUrl;

    Map<String, CuraClient> clients() {
      var out = new LinkedHashMap<String, CuraClient>();
      out.put("gateway", options.client(JobsCommand.PORT));
      out.put("registry", new CuraClient(registryUrl, options.key()));
      return out;
    }
  }

  /**
   * {@code ./cura keys create --tenant NAME [--role member|admin|operator]}: makes a new random key
   * and registers it at the gateway and at the registry. Prints its id, then the key as the last
   * line (shown once).
   */
  @Command(
      name = "create",
      description =
          "Creates an API key for a tenant; prints its id, then the key as the last line.")
  static final class Create implements Callable<Integer> {
    @Option(names = "--tenant", required = true, description = "Tenant name (a-z, 0-9, . _ -).")
    String tenant;

    @Option(
        names = "--role",
        description = "member (default), admin (manages its tenant's keys) or operator.")
    String role;

    @Option(names = "--admin", description = "Same as --role admin.")
    boolean admin;

    @Mixin Services services;

    @Override
    public Integer call() {
      byte[] bytes = new byte[32];
      new SecureRandom().nextBytes(bytes);
      String key = "cura-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      String chosen = role != null ? role : admin ? "admin" : "member";
      var body = new LinkedHashMap<String, Object>();
      body.put("tenant", tenant);
      body.put("role", chosen);
      body.put("key", key);
      String id = null;
      for (var s : services.clients().entrySet()) {
        try {
          id = s.getValue().post("v1/admin/keys", body).path("id").asText();
        } catch (ClientException e) {
          if (s.getKey().equals("gateway")) {
            System.err.println("cura keys create: gateway: " + e.getMessage());
            return 1;
          }
          System.err.println(
              "cura keys create: warning: "
                  + s.getKey()
                  + ": "
                  + e.getMessage()
                  + " — the key works on the gateway only");
        }
      }
      System.err.println("key " + id + " for tenant '" + tenant + "' (" + chosen + "):");
      System.out.println(key);
      return 0;
    }
  }

  /** {@code ./cura keys list [--tenant NAME]}: keys (never the keys themselves) and where known. */
  @Command(
      name = "list",
      description = "Lists API keys: id, tenant, role, prefix, created, revoked, services.")
  static final class ListKeys implements Callable<Integer> {
    @Option(names = "--tenant", description = "Only this tenant's keys.")
    String tenant;

    @Mixin Services services;

    @Override
    public Integer call() {
      Map<String, JsonNode> rows = new TreeMap<>();
      Map<String, java.util.List<String>> where = new TreeMap<>();
      int reached = 0;
      for (var s : services.clients().entrySet()) {
        try {
          String query = tenant == null ? "" : "?tenant=" + tenant;
          for (JsonNode k : s.getValue().get("v1/admin/keys" + query).path("data")) {
            String id = k.path("id").asText();
            rows.putIfAbsent(id, k);
            where.computeIfAbsent(id, i -> new java.util.ArrayList<>()).add(s.getKey());
          }
          reached++;
        } catch (ClientException e) {
          System.err.println("cura keys list: " + s.getKey() + ": " + e.getMessage());
        }
      }
      if (reached == 0) {
        return 1;
      }
      var table =
          Printer.Table.start(
              System.out,
              "%-28s %-16s %-9s %-10s %-20s %-20s %s%n",
              "ID",
              "TENANT",
              "ROLE",
              "PREFIX",
              "CREATED",
              "REVOKED",
              "ON");
      rows.forEach(
          (id, k) ->
              table.row(
                  id,
                  Printer.text(k, "tenant"),
                  Printer.text(k, "role"),
                  Printer.text(k, "prefix"),
                  Printer.time(k.path("created_at")),
                  Printer.time(k.path("revoked_at")),
                  String.join(",", where.get(id))));
      return 0;
    }
  }

  /** {@code ./cura keys revoke ID}: the key stops working on the gateway and the registry. */
  @Command(
      name = "revoke",
      description =
          "Revokes an API key (id from 'keys list') on the gateway and the registry; it stops"
              + " working within seconds on every instance.")
  static final class Revoke implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "The key's id (key-…).")
    String id;

    @Mixin Services services;

    @Override
    public Integer call() {
      int revoked = 0;
      for (var s : services.clients().entrySet()) {
        try {
          s.getValue().delete("v1/admin/keys/" + id);
          System.out.println("revoked " + id + " on the " + s.getKey());
          revoked++;
        } catch (ClientException e) {
          System.err.println("cura keys revoke: " + s.getKey() + ": " + e.getMessage());
        }
      }
      return revoked > 0 ? 0 : 1;
    }
  }
}
