package dev.cura.cli;

import dev.cura.cli.dlq.DeadLetters;
import dev.cura.cli.stack.KafkaLauncher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./cura dlq list|show|replay SERVICE [--since …]}: what a service dead-lettered on {@code
 * cura.dlq.<service>}, and re-driving it to its original topic after a fix.
 */
@Command(
    name = "dlq",
    description = "Inspects and replays a service's dead-letter topic (cura.dlq.SERVICE).",
    subcommands = {DlqCommand.ListLetters.class, DlqCommand.Show.class, DlqCommand.Replay.class})
public final class DlqCommand extends CommandGroup {
  /** Options every subcommand shares. */
  static class Target {
    @Parameters(index = "0", description = "gateway, quantizer, trainer or registry")
    String service;

    @Option(
        names = "--since",
        description =
            "Only records written since then: a duration back from now (10m, 2h, 1d) or an"
                + " ISO-8601 instant (2026-12-01T10:00:00Z).")
    String since;

    @Option(
        names = "--bootstrap",
        defaultValue = "127.0.0.1:" + KafkaLauncher.PORT,
        description = "Kafka bootstrap servers (default ${DEFAULT-VALUE}).")
    String bootstrap;

    /** The service's dead-letter topic on the broker. */
    DeadLetters deadLetters() {
      return new DeadLetters(bootstrap, service);
    }

    List<DeadLetters.Letter> letters() {
      return deadLetters().list(parseSince(since, Instant.now()));
    }
  }

  /** {@code 10m}, {@code 2h}, {@code 1d}, {@code PT30M} or an instant; null stays null. */
  static Instant parseSince(String since, Instant now) {
    if (since == null) {
      return null;
    }
    String s = since.strip();
    try {
      if (s.matches("\\d+[smhd]")) {
        long n = Long.parseLong(s.substring(0, s.length() - 1));
        Duration d =
            switch (s.charAt(s.length() - 1)) {
              case 's' -> Duration.ofSeconds(n);
              case 'm' -> Duration.ofMinutes(n);
              case 'h' -> Duration.ofHours(n);
              default -> Duration.ofDays(n);
            };
        return now.minus(d);
      }
      if (s.startsWith("P") || s.startsWith("p")) {
        return now.minus(Duration.parse(s));
      }
      return Instant.parse(s);
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new CommandLine.ParameterException(
          new CommandLine(new DlqCommand()),
          "--since must be a duration like 10m, 2h, 1d or an instant like"
              + " 2026-12-01T10:00:00Z, got '"
              + since
              + "'");
    }
  }

  @Command(
      name = "list",
      description = "One line per dead letter: partition@offset, time, origin, key, code, reason.")
  static final class ListLetters extends Target implements Callable<Integer> {
    @Override
    public Integer call() {
      List<DeadLetters.Letter> letters = letters();
      for (DeadLetters.Letter l : letters) {
        System.out.printf(
            "%d@%d  %s  %s  key=%s  type=%s  %s  %s%n",
            l.partition(),
            l.offset(),
            l.time(),
            l.originalTopic(),
            l.key(),
            l.headers().getOrDefault("ce_type", "-"),
            l.code(),
            l.reason());
      }
      System.out.println(letters.size() + " dead letter(s) on " + deadLetters().topic());
      return 0;
    }
  }

  @Command(name = "show", description = "Every header and the value of one dead letter.")
  static final class Show extends Target implements Callable<Integer> {
    @Parameters(
        index = "1",
        description = "Its offset (as list prints it: PARTITION@OFFSET or OFFSET).")
    String at;

    @Override
    public Integer call() {
      int partition = at.contains("@") ? Integer.parseInt(at.substring(0, at.indexOf('@'))) : 0;
      long offset = Long.parseLong(at.contains("@") ? at.substring(at.indexOf('@') + 1) : at);
      for (DeadLetters.Letter l : letters()) {
        if (l.partition() == partition && l.offset() == offset) {
          System.out.println("key: " + l.key());
          System.out.println("time: " + l.time());
          l.headers().forEach((k, v) -> System.out.println(k + ": " + v));
          System.out.println();
          System.out.println(
              l.value() == null ? "(no value)" : new String(l.value(), StandardCharsets.UTF_8));
          return 0;
        }
      }
      System.err.println("no dead letter at " + at + " on " + deadLetters().topic());
      return 1;
    }
  }

  @Command(
      name = "replay",
      description =
          "Sends dead letters back to the topics they came from (key, value and CloudEvents"
              + " headers as they were), e.g. after the consumer was fixed.")
  static final class Replay extends Target implements Callable<Integer> {
    @Option(
        names = "--code",
        description = "Only letters with this error code (e.g. handler_error).")
    String code;

    @Override
    public Integer call() {
      List<DeadLetters.Letter> letters =
          letters().stream().filter(l -> code == null || code.equals(l.code())).toList();
      DeadLetters dlq = deadLetters();
      List<DeadLetters.Letter> sent = dlq.replay(letters);
      for (DeadLetters.Letter l : sent) {
        System.out.printf(
            "%d@%d -> %s key=%s%n", l.partition(), l.offset(), l.originalTopic(), l.key());
      }
      System.out.println(sent.size() + " dead letter(s) replayed from " + dlq.topic());
      return 0;
    }
  }
}
