/**
 * bitsandbytes-compatible 4-bit quantization (QLORA-SPEC §1–§5).
 *
 * <ul>
 *   <li>{@link dev.cura.core.quant.QuantType}: NF4/FP4 code tables, nearest-code rule, geometry.
 *   <li>{@link dev.cura.core.quant.Quant4bit}: quantize / dequantize a whole weight (fast path).
 *   <li>{@link dev.cura.core.quant.Blockwise4bit} (Vector API, parallel) and {@link
 *       dev.cura.core.quant.Blockwise4bitReference} (scalar oracle) for block-aligned chunks.
 *   <li>{@link dev.cura.core.quant.DoubleQuant}, {@link dev.cura.core.quant.Blockwise8bit}, {@link
 *       dev.cura.core.quant.DynamicMap}: the 8-bit dynamic-map codec used for nested absmax and
 *       8-bit optimizer states.
 *   <li>{@link dev.cura.core.quant.QuantState}: the state and its one serialized form (bnb keys).
 * </ul>
 *
 * <p>Semantics are those of the bitsandbytes default (pure-PyTorch / CPU) backend; tests compare
 * bit for bit with {@code src/test/python/bnb_reference.py}'s golden files. Known differences of
 * the CUDA backend: an all-zero block gets code 0 there (code 7 = 0.0 here; both decode to 0); the
 * mean for double quantization is a float32 reduction whose order depends on PyTorch version and
 * device (±1 ulp in {@code nested_offset}; here: the correctly rounded mean).
 */
package dev.cura.core.quant;
