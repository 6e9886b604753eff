package dev.cura.events;

/**
 * Reconstruction error of a quantized base, over all quantized weights w and their dequantized
 * values ŵ.
 *
 * @param meanAbsError mean |w − ŵ|
 * @param maxAbsError max |w − ŵ|
 * @param rmse sqrt(mean (w − ŵ)²); absent when not computed
 */
public record QuantErrorStats(
    double meanAbsError, double maxAbsError, @OptionalField Double rmse) {}
