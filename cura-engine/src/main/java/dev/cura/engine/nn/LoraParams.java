package dev.cura.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.cura.engine.model.LlamaModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Attaches LoRA branches to a model and lists the trainable tensors under their PEFT names. */
public final class LoraParams {
  private LoraParams() {}

  /** A trainable tensor and its PEFT key ({@code base_model.model.<module>.lora_A.weight}). */
  public record Param(String name, NDArray value) {}

  /**
   * Adds fresh LoRA branches to every linear whose short name (q_proj …) is a target; A drawn in
   * model order from one RNG seeded with {@code seed}.
   */
  public static void attach(LlamaModel model, LoraConfig cfg, long seed) {
    cfg = resolve(model, cfg);
    SplittableRandom rng = new SplittableRandom(seed);
    DataType paramType =
        model.options().computeDtype() == DataType.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32;
    for (LoraLinear l : model.linears()) {
      if (cfg.targets().contains(shortName(l.name()))) {
        l.initLora(model.manager(), cfg, rng, paramType);
      }
    }
  }

  /**
   * The targets as this model names its linears: {@link LoraConfig#allLinears} becomes the family's
   * own list (phi3: qkv_proj, o_proj, gate_up_proj, down_proj); a named target the model lacks is
   * an error, as in PEFT.
   */
  public static LoraConfig resolve(LlamaModel model, LoraConfig cfg) {
    List<String> names = new ArrayList<>();
    for (LoraLinear l : model.layers().get(0).linears()) {
      names.add(shortName(l.name()));
    }
    if (cfg.allLinears()) {
      return cfg.withTargets(names);
    }
    for (String t : cfg.targets()) {
      if (!names.contains(t)) {
        throw new IllegalArgumentException(
            "LoRA target '"
                + t
                + "' is not a linear of this "
                + model.config().modelType()
                + " model (its linears: "
                + names
                + ")");
      }
    }
    return cfg;
  }

  /** All LoRA tensors, A then B per module, in model order. */
  public static List<Param> params(LlamaModel model) {
    List<Param> out = new ArrayList<>();
    for (LoraLinear l : model.linears()) {
      if (l.hasLora()) {
        out.add(new Param(peftKey(l.name(), "lora_A"), l.loraA()));
        out.add(new Param(peftKey(l.name(), "lora_B"), l.loraB()));
      }
    }
    return out;
  }

  /** {@code model.layers.0.self_attn.q_proj} → {@code q_proj}. */
  public static String shortName(String module) {
    return module.substring(module.lastIndexOf('.') + 1);
  }

  /** PEFT's key for a LoRA tensor of {@code module}. */
  public static String peftKey(String module, String which) {
    return "base_model.model." + module + "." + which + ".weight";
  }

  /** Number of trainable elements. */
  public static long count(LlamaModel model) {
    long n = 0;
    for (Param p : params(model)) {
      n += p.value().getShape().size();
    }
    return n;
  }
}
