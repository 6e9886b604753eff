package dev.cura.core.quantize;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.core.util.Json;

/**
 * What a quantization did ({@code quantization_report.json}).
 *
 * @param totalParams all parameters of the checkpoint
 * @param quantizedParams parameters of the quantized linears
 * @param quantizedTensors number of quantized linears
 * @param bitsPerParam storage bits per quantized parameter: packed codes + absmax (or qabsmax +
 *     nested absmax); 4.127 for NF4+DQ at B = 64
 * @param bitsPerParamWithTables the same including the per-tensor code tables and JSON blobs
 * @param meanAbsError mean |w − dequant(quant(w))| over the error sample
 * @param maxAbsError max |w − dequant(quant(w))| over the error sample
 * @param rmse root mean squared error over the error sample
 * @param errorSampleParams parameters in the error sample (the first ≤ 1 Mi of each linear)
 * @param seconds wall time
 * @param bytesRead weight bytes read
 * @param bytesWritten bytes written (weights, config, tokenizer files)
 * @param shards output weight files
 */
public record QuantizeReport(
    long totalParams,
    long quantizedParams,
    int quantizedTensors,
    double bitsPerParam,
    double bitsPerParamWithTables,
    double meanAbsError,
    double maxAbsError,
    double rmse,
    long errorSampleParams,
    double seconds,
    long bytesRead,
    long bytesWritten,
    int shards,
    QuantizeSettings settings) {

  public ObjectNode toJson() {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("quant_type", settings.quantType().jsonName());
    n.put("blocksize", settings.blocksize());
    n.put("double_quant", settings.doubleQuant());
    n.put("format_version", QuantizeSettings.FORMAT_VERSION);
    n.put("total_params", totalParams);
    n.put("quantized_params", quantizedParams);
    n.put("quantized_tensors", quantizedTensors);
    n.put("bits_per_param", bitsPerParam);
    n.put("bits_per_param_with_tables", bitsPerParamWithTables);
    n.put("mean_abs_error", meanAbsError);
    n.put("max_abs_error", maxAbsError);
    n.put("rmse", rmse);
    n.put("error_sample_params", errorSampleParams);
    n.put("seconds", seconds);
    n.put("bytes_read", bytesRead);
    n.put("bytes_written", bytesWritten);
    n.put("shards", shards);
    return n;
  }
}
