package dev.cura.events;

/**
 * How the base model is stored for training. Rules and defaults: {@link JobSpec}.
 *
 * @param type {@code nf4}, {@code fp4} or {@code none} (16/32-bit base, for comparisons)
 * @param doubleQuant whether the absmax constants are themselves quantized (DQ)
 * @param blocksize quantization block size; absent means 64 (the QLoRA default)
 */
public record QuantConfig(String type, boolean doubleQuant, @OptionalField Integer blocksize) {}
