package dev.cura.engine.testutil;

import dev.cura.engine.model.InMemoryWeights;
import dev.cura.engine.model.LlamaConfig;
import java.util.Map;

/**
 * A float64 reference of transformers' LlamaForCausalLM forward, written plainly from the modeling
 * code's semantics: embed → per layer [RMSNorm, q/k/v, RoPE (rotate-half, θ, head_dim), repeat_kv
 * GQA, causal softmax(qkᵀ/√d)·v, o_proj, residual, RMSNorm, down(silu(gate)·up), residual] →
 * RMSNorm → lm_head. Optional LoRA deltas are added to the dense weights as PEFT merges them (W +
 * B·A·scaling).
 */
public final class ReferenceLlama {
  private final LlamaConfig cfg;
  private final InMemoryWeights w;
  private final Map<String, double[]> deltas;

  public ReferenceLlama(LlamaConfig cfg, InMemoryWeights w, Map<String, double[]> deltas) {
    this.cfg = cfg;
    this.w = w;
    this.deltas = deltas;
  }

  /** logits [T][V] for one sequence. */
  public double[][] logits(long[] ids) {
    int t = ids.length, c = cfg.hidden(), d = cfg.headDim();
    double[] emb = dbl("model.embed_tokens.weight");
    double[][] x = new double[t][c];
    for (int i = 0; i < t; i++) {
      System.arraycopy(emb, (int) ids[i] * c, x[i], 0, c);
    }
    for (int l = 0; l < cfg.layers(); l++) {
      String p = "model.layers." + l + ".";
      double[][] n1 = rms(x, dbl(p + "input_layernorm.weight"));
      double[][] q = lin(n1, p + "self_attn.q_proj.weight", cfg.heads() * d);
      double[][] k = lin(n1, p + "self_attn.k_proj.weight", cfg.kvHeads() * d);
      double[][] v = lin(n1, p + "self_attn.v_proj.weight", cfg.kvHeads() * d);
      rope(q, cfg.heads());
      rope(k, cfg.kvHeads());
      double[][] ctx = new double[t][cfg.heads() * d];
      int g = cfg.heads() / cfg.kvHeads();
      for (int h = 0; h < cfg.heads(); h++) {
        int kvh = h / g;
        for (int i = 0; i < t; i++) {
          double[] s = new double[i + 1];
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j <= i; j++) {
            double dot = 0;
            for (int e = 0; e < d; e++) {
              dot += q[i][h * d + e] * k[j][kvh * d + e];
            }
            s[j] = dot / Math.sqrt(d);
            max = Math.max(max, s[j]);
          }
          double sum = 0;
          for (int j = 0; j <= i; j++) {
            s[j] = Math.exp(s[j] - max);
            sum += s[j];
          }
          for (int j = 0; j <= i; j++) {
            for (int e = 0; e < d; e++) {
              ctx[i][h * d + e] += s[j] / sum * v[j][kvh * d + e];
            }
          }
        }
      }
      add(x, lin(ctx, p + "self_attn.o_proj.weight", c));
      double[][] n2 = rms(x, dbl(p + "post_attention_layernorm.weight"));
      double[][] gt = lin(n2, p + "mlp.gate_proj.weight", cfg.intermediate());
      double[][] up = lin(n2, p + "mlp.up_proj.weight", cfg.intermediate());
      for (int i = 0; i < t; i++) {
        for (int j = 0; j < cfg.intermediate(); j++) {
          double a = gt[i][j];
          gt[i][j] = a / (1 + Math.exp(-a)) * up[i][j];
        }
      }
      add(x, lin(gt, p + "mlp.down_proj.weight", c));
    }
    double[][] n = rms(x, dbl("model.norm.weight"));
    String head = cfg.tieWordEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight";
    return lin(n, head, cfg.vocabSize());
  }

  private void rope(double[][] x, int heads) {
    int d = cfg.headDim(), half = d / 2;
    for (int i = 0; i < x.length; i++) {
      for (int h = 0; h < heads; h++) {
        double[] row = new double[d];
        System.arraycopy(x[i], h * d, row, 0, d);
        for (int e = 0; e < d; e++) {
          double invFreq = 1.0 / Math.pow(cfg.ropeTheta(), (2.0 * (e % half)) / d);
          double angle = i * invFreq;
          double rot = e < half ? -row[e + half] : row[e - half];
          x[i][h * d + e] = row[e] * Math.cos(angle) + rot * Math.sin(angle);
        }
      }
    }
  }

  private double[][] rms(double[][] x, double[] weight) {
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      double ss = 0;
      for (double a : x[i]) {
        ss += a * a;
      }
      double inv = 1 / Math.sqrt(ss / x[i].length + cfg.rmsNormEps());
      out[i] = new double[x[i].length];
      for (int j = 0; j < x[i].length; j++) {
        out[i][j] = x[i][j] * inv * weight[j];
      }
    }
    return out;
  }

  private double[][] lin(double[][] x, String name, int out) {
    double[] wt = dbl(name);
    String module = name.substring(0, name.length() - ".weight".length());
    double[] delta = deltas.get(module);
    int in = x[0].length;
    double[][] y = new double[x.length][out];
    for (int i = 0; i < x.length; i++) {
      for (int o = 0; o < out; o++) {
        double s = 0;
        for (int k = 0; k < in; k++) {
          double wv = wt[o * in + k] + (delta == null ? 0 : delta[o * in + k]);
          s += x[i][k] * wv;
        }
        y[i][o] = s;
      }
    }
    return y;
  }

  private static void add(double[][] x, double[][] y) {
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < x[i].length; j++) {
        x[i][j] += y[i][j];
      }
    }
  }

  private double[] dbl(String name) {
    float[] f = w.floats(name);
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
