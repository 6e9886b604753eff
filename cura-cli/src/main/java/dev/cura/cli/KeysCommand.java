package dev.cura.cli;

import dev.cura.cli.client.ClientException;
import dev.cura.cli.client.ClientOptions;
import dev.cura.cli.client.CuraClient;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./cura keys}: Manages API keys of the running stack. */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Manages API keys of the running stack.",
    subcommands = {KeysCommand.Create.class})
public final class KeysCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /**
   * {@code ./cura keys create --tenant NAME [--admin]}: makes a new random key and registers it,
   * with an admin key (default: the stack's bootstrap key), at the gateway and at the registry, so
   * it works on both. Prints the key as the last line.
   */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Creates an API key for a tenant; prints it as the last line.")
  static final class Create implements Callable<Integer> {
    @Option(names = "--tenant", required = true, description = "Tenant name (a-z, 0-9, . _ -).")
    String tenant;

    @Option(names = "--admin", description = "The key may register models and create keys.")
    boolean admin;

    @Option(
        names = "--registry-url",
        description = "Registry base URL (default http://127.0.0.1:8083).")
    String registryUrl;

    @Mixin ClientOptions options;

    @Override
    public Integer call() {
      byte[] bytes = new byte[32];
      new SecureRandom().nextBytes(bytes);
      String key = "cura-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      var body = new LinkedHashMap<String, Object>();
      body.put("tenant", tenant);
      body.put("admin", admin);
      body.put("key", key);
      try {
        options.client(8080).post("v1/admin/keys", body);
      } catch (ClientException e) {
        System.err.println("cura keys create: gateway: " + e.getMessage());
        return 1;
      }
      String registry = registryUrl != null ? registryUrl : "http://127.0.0.1:8083";
      try {
        new CuraClient(registry, options.key()).post("v1/admin/keys", body);
      } catch (ClientException e) {
        System.err.println(
            "cura keys create: warning: registry "
                + registry
                + ": "
                + e.getMessage()
                + " — the key works on the gateway only");
      }
      System.err.println("key for tenant '" + tenant + "'" + (admin ? " (admin)" : "") + ":");
      System.out.println(key);
      return 0;
    }
  }
}
