/**
 * CURA core: pure-Java NF4/FP4 codecs, blockwise and double quantization, the bitsandbytes 4-bit
 * serialization, safetensors streaming and Hugging Face checkpoint directories. No framework
 * imports.
 */
package dev.cura.core;
