package dev.cura.cli;

import dev.cura.cli.stack.LocalStack;
import java.io.IOException;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./cura up}: Starts the local stack: Kafka, PostgreSQL and the four services. */
@Command(
    name = "up",
    description = {
      "Starts the local stack: a Kafka broker (KRaft) on 127.0.0.1:9092, PostgreSQL (embedded,"
          + " unless CURA_DB_URL names one) and the gateway, quantizer, trainer and registry on"
          + " ports 8080-8083; waits until each is ready.",
      "State and logs: .cura/local/; development API key: .cura/local/api-key. Running it again"
          + " starts only what is not running."
    })
public final class UpCommand extends StackCommand {
  @Option(
      names = "--timeout",
      defaultValue = "300",
      description = "Seconds to wait for the services to be ready (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = "--build", description = "Rebuild the services' jars even when they exist.")
  boolean rebuild;

  @Override
  protected int run(LocalStack stack) throws IOException {
    return stack.up(Duration.ofSeconds(timeoutSeconds), rebuild);
  }
}
