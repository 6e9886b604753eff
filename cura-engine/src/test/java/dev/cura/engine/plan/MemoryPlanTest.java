package dev.cura.engine.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import dev.cura.engine.model.LlamaConfig;
import org.junit.jupiter.api.Test;

/**
 * The memory plan against the QLoRA paper's claims (arXiv:2305.14314, the QLoRA recipe: NF4 + DQ,
 * bf16, r = 16 on all linears, batch 1, paged AdamW, 512 target tokens in the Guanaco runs): 33B
 * trains on a 24 GB GPU and 65B on a 48 GB one, 65B does not fit 24 GB; longer sequences cost
 * activation memory only.
 */
class MemoryPlanTest {
  private static final double GB = 1e9;

  private static MemoryPlan qlora(String arch, String params, int seqLen) {
    LlamaConfig cfg = PublishedShapes.config(arch, params);
    return MemoryPlan.estimate(cfg, MemoryPlan.Settings.qlora(DataType.BFLOAT16, 1, seqLen, true));
  }

  @Test
  void paperClaimsHold() {
    assertTrue(qlora("llama", "33B", 512).totalBytes() < 24 * GB, "33B fits a 24 GB GPU");
    assertTrue(qlora("llama", "65B", 512).totalBytes() < 48 * GB, "65B fits a 48 GB GPU");
    assertTrue(qlora("llama", "65B", 512).totalBytes() > 24 * GB, "65B does not fit 24 GB");
    // the 4-bit base: ½ byte per decoder-linear parameter, 80 × (4·8192² + 3·8192·22016)
    long linears = 80L * (4L * 8192 * 8192 + 3L * 8192 * 22016);
    assertEquals(linears / 2, qlora("llama", "65B", 512).bytes("NF4 base (packed codes)"));
  }

  @Test
  void longerSequencesCostActivationsOnly() {
    for (String[] m : new String[][] {{"llama3", "8B"}, {"llama", "13B"}, {"llama", "65B"}}) {
      MemoryPlan p512 = qlora(m[0], m[1], 512);
      MemoryPlan p2048 = qlora(m[0], m[1], 2048);
      assertTrue(p2048.totalBytes() > p512.totalBytes(), m[1] + ": activations grow with T");
      for (String weights :
          new String[] {"NF4 base (packed codes)", "LoRA parameters + gradients (fp32)"}) {
        assertEquals(p512.bytes(weights), p2048.bytes(weights), m[1] + ": " + weights);
        assertTrue(p512.bytes(weights) > 0, m[1] + ": " + weights + " is a row");
      }
    }
  }

  /**
   * Issue 10's Must-show shape on the CPU (Llama-3-8B, fp32 compute, the bench's 16-bit embedding
   * and lm_head, r = 16, seq 256): each weight row by its formula, recomputed here from the
   * published dimensions.
   */
  @Test
  void llama3With16BitEmbeddingsRowByRow() {
    LlamaConfig cfg = PublishedShapes.config("llama3", "8B");
    // QLoRA's recipe in float32 on the CPU, with the bench's 16-bit embedding and lm_head
    MemoryPlan.Settings fp32 =
        new MemoryPlan.Settings(
            true, true, 64, DataType.FLOAT32, 16, 1, 256, false, true, DataType.FLOAT16);
    MemoryPlan plan = MemoryPlan.estimate(cfg, fp32);
    long c = 4096, kv = 1024, inter = 14336, layers = 32, vocab = 128256;
    long perLayer = 2 * c * c + 2 * kv * c + 3 * inter * c; // q, o; k, v; gate, up, down
    assertEquals(perLayer * layers / 2, plan.bytes("NF4 base (packed codes)"));
    // embedding and untied lm_head in 2 bytes, 2L+1 norm weights in the 4-byte compute dtype
    assertEquals(
        2 * vocab * c * 2 + (2 * layers + 1) * c * 4, plan.bytes("embeddings + lm_head + norms"));
    // on the CPU the kernel dequantizes into the buffers directly: no gather scratch
    assertEquals(perLayer * 4, plan.bytes("dequantized weights (one layer, reused)"));
    MemoryPlan onGpu = MemoryPlan.estimate(cfg, fp32.withGpu(true));
    assertEquals(
        perLayer * 4 + inter * c * 6,
        onGpu.bytes("dequantized weights (one layer, reused) + scratch"));
    long lora = 16 * (2 * (c + c) + 2 * (c + kv) + 3 * (c + inter)) * layers;
    assertEquals(lora * 8, plan.bytes("LoRA parameters + gradients (fp32)"));
    // a loaded model holds them in the compute dtype: 4 bytes
    MemoryPlan loaded =
        MemoryPlan.estimate(cfg, MemoryPlan.Settings.qlora(DataType.FLOAT32, 1, 256, false));
    assertEquals(
        2 * vocab * c * 4 + (2 * layers + 1) * c * 4, loaded.bytes("embeddings + lm_head + norms"));
  }
}
