package dev.cura.cli;

import picocli.CommandLine.Command;

/** {@code ./cura bench}: the benchmarks of DESIGN.md §8, each a subcommand. */
@Command(
    name = "bench",
    description = "Benchmarks: quantize, train, gateway (ratios measured side by side in one run).",
    subcommands = {BenchQuantizeCommand.class, BenchTrainCommand.class, BenchGatewayCommand.class})
public final class BenchCommand extends CommandGroup {}
