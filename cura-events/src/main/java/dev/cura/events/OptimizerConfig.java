package dev.cura.events;

/**
 * Optimizer choice and its learning rate. Rules and defaults: {@link JobSpec}.
 *
 * @param name one of {@link JobSpec#OPTIMIZERS}
 * @param learningRate peak learning rate
 * @param weightDecay decoupled weight decay; absent means 0
 */
public record OptimizerConfig(
    String name, double learningRate, @OptionalField Double weightDecay) {}
