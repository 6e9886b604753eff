package dev.cura.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/**
 * A config's {@code rope_scaling}, as transformers' rope utilities read it: how the RoPE inverse
 * frequencies {@code inv_freq[i] = 1 / θ^(2i/d)} are rescaled, and the factor cos/sin are
 * multiplied by.
 *
 * <ul>
 *   <li>{@code default}: unchanged.
 *   <li>{@code linear}: {@code inv_freq / factor}.
 *   <li>{@code llama3} (Llama 3.1+): with wavelength {@code λ = 2π / inv_freq}, frequencies with λ
 *       &gt; original_max / low_freq_factor are divided by factor, those with λ &lt; original_max /
 *       high_freq_factor stay, those between are blended with {@code s = (original_max/λ − low) /
 *       (high − low)}: {@code (1 − s)·f/factor + s·f}.
 *   <li>{@code longrope} (Phi-3): {@code inv_freq[i] = 1 / (ext[i] · θ^(2i/d))} with ext the
 *       short_factor list, or long_factor once the sequence is longer than
 *       original_max_position_embeddings; cos/sin times {@code √(1 + ln(s) / ln(original_max))}
 *       where {@code s = max_position_embeddings / original_max} (1 when s ≤ 1), unless the config
 *       gives attention_factor.
 * </ul>
 *
 * @param type default, linear, llama3 or longrope
 * @param factor the scaling factor (linear, llama3)
 * @param lowFreqFactor llama3's low_freq_factor
 * @param highFreqFactor llama3's high_freq_factor
 * @param originalMax original_max_position_embeddings (llama3, longrope)
 * @param shortFactor longrope's per-frequency factors for short sequences
 * @param longFactor longrope's per-frequency factors for long sequences
 * @param attentionFactor the cos/sin multiplier (1 except for longrope)
 */
public record RopeScaling(
    String type,
    double factor,
    double lowFreqFactor,
    double highFreqFactor,
    int originalMax,
    double[] shortFactor,
    double[] longFactor,
    double attentionFactor) {

  public static final RopeScaling NONE = new RopeScaling("default", 1, 0, 0, 0, null, null, 1);

  /** Linear position interpolation by {@code factor}. */
  public static RopeScaling linear(double factor) {
    return new RopeScaling("linear", factor, 0, 0, 0, null, null, 1);
  }

  /** Llama 3.1's frequency-dependent scaling. */
  public static RopeScaling llama3(double factor, double low, double high, int originalMax) {
    return new RopeScaling("llama3", factor, low, high, originalMax, null, null, 1);
  }

  /**
   * Parses {@code rope_scaling} (null or absent → {@link #NONE}). {@code maxPositions} is the
   * config's max_position_embeddings; {@code originalMaxDefault} the config-level
   * original_max_position_embeddings (Phi-3 keeps it there), or 0.
   */
  static RopeScaling parse(JsonNode n, int headDim, int maxPositions, int originalMaxDefault) {
    if (n == null || n.isMissingNode() || n.isNull()) {
      return NONE;
    }
    if (!n.isObject()) {
      throw new IllegalArgumentException("rope_scaling must be an object or null, got " + n);
    }
    String type = n.path("rope_type").asText(n.path("type").asText(""));
    switch (type) {
      case "default":
        return NONE;
      case "linear":
        return linear(positive(n, "factor"));
      case "llama3":
        {
          double low = positive(n, "low_freq_factor");
          double high = positive(n, "high_freq_factor");
          if (!(high > low)) {
            throw new IllegalArgumentException(
                "rope_scaling.high_freq_factor must be > low_freq_factor, got "
                    + high
                    + " and "
                    + low);
          }
          return llama3(
              positive(n, "factor"),
              low,
              high,
              (int) positive(n, "original_max_position_embeddings"));
        }
      case "longrope":
      case "su":
        {
          int original = n.path("original_max_position_embeddings").asInt(originalMaxDefault);
          if (original <= 0) {
            throw new IllegalArgumentException(
                "longrope needs original_max_position_embeddings > 0, got " + original);
          }
          double[] shortF = factors(n, "short_factor", headDim / 2);
          double[] longF = factors(n, "long_factor", headDim / 2);
          double attention;
          if (n.hasNonNull("attention_factor")) {
            attention = n.get("attention_factor").asDouble();
          } else {
            double scale = (double) maxPositions / original;
            attention = scale <= 1 ? 1 : Math.sqrt(1 + Math.log(scale) / Math.log(original));
          }
          return new RopeScaling("longrope", 1, 0, 0, original, shortF, longF, attention);
        }
      default:
        throw new IllegalArgumentException(
            "rope_scaling type '"
                + type
                + "' is not supported (supported: default, linear, llama3, longrope)");
    }
  }

  /**
   * The inverse frequencies [d/2] for a sequence of {@code length} positions, in float32 as
   * transformers computes them.
   */
  public float[] invFreq(int headDim, double theta, int length) {
    int half = headDim / 2;
    float[] inv = new float[half];
    double[] ext = null;
    if (type.equals("longrope")) {
      ext = length > originalMax ? longFactor : shortFactor;
    }
    for (int i = 0; i < half; i++) {
      float exponent = (float) (2 * i) / headDim; // arange(0, d, 2).float() / d
      float base = (float) Math.pow(theta, exponent);
      inv[i] = ext == null ? 1.0f / base : 1.0f / ((float) ext[i] * base);
    }
    if (type.equals("linear")) {
      for (int i = 0; i < half; i++) {
        inv[i] = inv[i] / (float) factor;
      }
    } else if (type.equals("llama3")) {
      float lowWavelen = (float) (originalMax / lowFreqFactor);
      float highWavelen = (float) (originalMax / highFreqFactor);
      for (int i = 0; i < half; i++) {
        float f = inv[i];
        float wavelen = (float) (2 * Math.PI) / f;
        float scaled = wavelen > lowWavelen ? f / (float) factor : f;
        if (!(wavelen < highWavelen) && !(wavelen > lowWavelen)) {
          float smooth =
              ((float) originalMax / wavelen - (float) lowFreqFactor)
                  / (float) (highFreqFactor - lowFreqFactor);
          scaled = (1 - smooth) * scaled / (float) factor + smooth * scaled;
        }
        inv[i] = scaled;
      }
    }
    return inv;
  }

  /** Writes this scaling as transformers' config.json field (nothing for default). */
  void write(ObjectNode config) {
    if (type.equals("default")) {
      return;
    }
    ObjectNode o = config.putObject("rope_scaling");
    o.put("rope_type", type);
    switch (type) {
      case "linear" -> o.put("factor", factor);
      case "llama3" -> {
        o.put("factor", factor);
        o.put("low_freq_factor", lowFreqFactor);
        o.put("high_freq_factor", highFreqFactor);
        o.put("original_max_position_embeddings", originalMax);
      }
      default -> {
        o.put("type", type);
        var s = o.putArray("short_factor");
        Arrays.stream(shortFactor).forEach(s::add);
        var l = o.putArray("long_factor");
        Arrays.stream(longFactor).forEach(l::add);
      }
    }
  }

  private static double positive(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isNumber() || !(v.asDouble() > 0)) {
      throw new IllegalArgumentException(
          "rope_scaling." + field + " must be a number > 0, got " + (v == null ? "nothing" : v));
    }
    return v.asDouble();
  }

  private static double[] factors(JsonNode n, String field, int expected) {
    JsonNode v = n.get(field);
    if (v == null || !v.isArray() || v.size() != expected) {
      throw new IllegalArgumentException(
          "rope_scaling."
              + field
              + " must be a list of head_dim/2 = "
              + expected
              + " numbers, got "
              + (v == null ? "nothing" : v));
    }
    double[] out = new double[expected];
    for (int i = 0; i < expected; i++) {
      out[i] = v.get(i).asDouble();
    }
    return out;
  }
}
