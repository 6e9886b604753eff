package dev.cura.events;

/**
 * Optimizer choice and its learning rate.
 *
 * @param name {@code paged_adamw_32bit}, {@code paged_adamw_8bit} or {@code adamw_32bit}
 * @param learningRate peak learning rate
 * @param weightDecay decoupled weight decay; absent means 0
 */
public record OptimizerConfig(
    String name, double learningRate, @OptionalField Double weightDecay) {}
