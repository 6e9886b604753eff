package dev.cura.engine.plan;

import ai.djl.ndarray.types.DataType;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.nn.ComputeDevice;
import dev.cura.engine.train.CheckpointedStep;
import java.util.ArrayList;
import java.util.List;

/**
 * The predicted peak device memory of one QLoRA training step of this engine, broken down — the one
 * memory estimator of the project ({@code ./cura bench train --plan} prints it; a job's memory
 * pre-check calls {@link #estimate}). Every item follows what the engine holds at the step's peak,
 * the backward of the top decoder layer:
 *
 * <ul>
 *   <li>resident weights: the packed 4-bit codes (½ byte per base parameter), their block constants
 *       (double-quantized: 1 byte per block of 64 plus one float32 per 256 blocks, and the code
 *       tables), the unquantized embedding and lm_head in their own dtype (the compute dtype for a
 *       loaded model; 16-bit in the benches' big synthetic models, which multiply the lm_head in
 *       its dtype) and the norms in the compute dtype;
 *   <li>LoRA parameters and their gradients in float32 (master weights); the paged AdamW moments
 *       live in host memory, one parameter's at a time on the device during its update;
 *   <li>the reusable dequantization buffers: one layer's base weights in the compute dtype, plus on
 *       a GPU the scratch of the largest linear (int32 index and two float32 per byte of codes; the
 *       CPU kernel, {@code Dequant4bit}, writes the weights directly);
 *   <li>activations with per-layer recompute: every layer's saved input [B·T, C], the upstream
 *       gradient, and one layer's recompute graph — what autograd saves per token (norm inputs in
 *       float32, LoRA inputs in float32, q/k/v after RoPE, the MLP's four [B·T, I] products) plus
 *       the attention probabilities in float32 (softmax output) and the compute dtype, B·H·T² each,
 *       and the backward's transient gradients of the widest tensors;
 *   <li>the loss head: float32 log-probabilities [B·T, V] saved for the backward and the backward's
 *       transients (the gradient scattered through the gather, the log-softmax gradient, and the
 *       compute-dtype copy);
 *   <li>runtime: on CUDA the context and cuBLAS workspace, on the CPU the JVM and libtorch.
 * </ul>
 *
 * The CPU rows were checked against measured peak RSS and the CUDA rows against the QLoRA paper's
 * figures (docs/engine.md, "Memory plan").
 */
public record MemoryPlan(List<Item> items, Settings settings) {
  /** CUDA context + cuBLAS/cuDNN handles and workspace, measured ~0.5–0.9 GiB on recent GPUs. */
  public static final long CUDA_RUNTIME_BYTES = 800L << 20;

  /** JVM (heap in use, code, metaspace) + libtorch + tokenizer natives, measured on the CPU. */
  public static final long CPU_RUNTIME_BYTES = 420L << 20;

  /**
   * One row.
   *
   * @param name what it is
   * @param bytes predicted bytes on the device
   * @param formula how it is computed
   */
  public record Item(String name, long bytes, String formula) {}

  /**
   * What the step runs with.
   *
   * @param nf4 base linears as NF4 (else dense in the compute dtype)
   * @param doubleQuant double-quantized block constants
   * @param blocksize 4-bit block size (64)
   * @param computeDtype activations and matmuls (bf16 or float32)
   * @param rank LoRA r on all seven decoder linears
   * @param batch sequences per micro-batch
   * @param seqLen tokens per sequence
   * @param gpu on CUDA (else the CPU, where device memory is the process's RSS)
   * @param pagedOptimizer AdamW moments paged in host memory (else resident on the device)
   * @param embeddingDtype the dtype the embedding and lm_head are held in
   */
  public record Settings(
      boolean nf4,
      boolean doubleQuant,
      int blocksize,
      DataType computeDtype,
      int rank,
      int batch,
      int seqLen,
      boolean gpu,
      boolean pagedOptimizer,
      DataType embeddingDtype) {
    /** QLoRA's recipe: NF4 + DQ, block 64, r = 16, paged AdamW. */
    public static Settings qlora(DataType compute, int batch, int seqLen, boolean gpu) {
      return new Settings(true, true, 64, compute, 16, batch, seqLen, gpu, true, compute);
    }

    /** The same on a GPU ({@code true}) or the CPU. */
    public Settings withGpu(boolean onGpu) {
      return new Settings(
          nf4,
          doubleQuant,
          blocksize,
          computeDtype,
          rank,
          batch,
          seqLen,
          onGpu,
          pagedOptimizer,
          embeddingDtype);
    }
  }

  public long totalBytes() {
    return items.stream().mapToLong(Item::bytes).sum();
  }

  /** The bytes of the named row (0 if absent). */
  public long bytes(String name) {
    return items.stream().filter(i -> i.name.equals(name)).mapToLong(Item::bytes).sum();
  }

  /** Predicts the peak of one step of {@code cfg} under {@code s}. */
  public static MemoryPlan estimate(LlamaConfig cfg, Settings s) {
    long c = cfg.hidden();
    long q = (long) cfg.heads() * cfg.headDim();
    long kv = (long) cfg.kvHeads() * cfg.headDim();
    long inter = cfg.intermediate();
    long layers = cfg.layers();
    long vocab = cfg.vocabSize();
    long b = s.computeDtype() == DataType.BFLOAT16 || s.computeDtype() == DataType.FLOAT16 ? 2 : 4;
    long n = (long) s.batch() * s.seqLen(); // tokens
    long[][] linears = {{q, c}, {kv, c}, {kv, c}, {c, q}, {inter, c}, {inter, c}, {c, inter}};
    long perLayer = 0;
    long largest = 0;
    long loraPerLayer = 0;
    long loraLargest = 0;
    long blocksPerLayer = 0;
    for (long[] l : linears) {
      long e = l[0] * l[1];
      perLayer += e;
      largest = Math.max(largest, e);
      long lora = (long) s.rank() * (l[0] + l[1]);
      loraPerLayer += lora;
      loraLargest = Math.max(loraLargest, Math.max((long) s.rank() * l[1], (long) s.rank() * l[0]));
      blocksPerLayer += (e + s.blocksize() - 1) / s.blocksize();
    }
    List<Item> items = new ArrayList<>();
    long baseParams = perLayer * layers;
    if (s.nf4()) {
      items.add(new Item("NF4 base (packed codes)", baseParams / 2, "½ byte × base parameters"));
      long perBlock =
          s.doubleQuant() ? blocksPerLayer + 4 * ceil(blocksPerLayer, 256) : 4 * blocksPerLayer;
      long tables = 7 * (256 * 2 * 4 + (s.doubleQuant() ? 256 * 4 + 4 : 0)); // pair table, code8
      items.add(
          new Item(
              "quantization constants" + (s.doubleQuant() ? " (DQ)" : ""),
              perBlock * layers + tables * layers,
              s.doubleQuant()
                  ? "1 byte per block of " + s.blocksize() + " + 4 bytes per 256 blocks + tables"
                  : "4 bytes per block of " + s.blocksize()));
    } else {
      items.add(new Item("dense base", baseParams * b, b + " bytes × base parameters"));
    }
    long embeddings = vocab * c * (cfg.tieWordEmbeddings() ? 1 : 2);
    long eb = s.embeddingDtype().getNumOfBytes();
    items.add(
        new Item(
            "embeddings + lm_head + norms",
            embeddings * eb + (2 * layers + 1) * c * b,
            "V·C"
                + (cfg.tieWordEmbeddings() ? "" : "·2")
                + " × "
                + eb
                + " + (2L+1)·C × "
                + b
                + " bytes"));
    long lora = loraPerLayer * layers;
    items.add(
        new Item("LoRA parameters + gradients (fp32)", lora * 8, "r·(in+out) per linear × 8"));
    items.add(
        s.pagedOptimizer()
            ? new Item(
                "AdamW moments (paged: one tensor on the device)",
                loraLargest * 4 * 9,
                "m, v, and the update's temporaries of the largest LoRA tensor (host holds "
                    + gib(lora * 8)
                    + " GiB)")
            : new Item("AdamW moments", lora * 8, "2 × 4 bytes × LoRA parameters"));
    if (s.nf4() && s.gpu()) {
      items.add(
          new Item(
              "dequantized weights (one layer, reused) + scratch",
              perLayer * b + largest * 6,
              "layer's base parameters × " + b + " + 6 bytes × largest linear"));
    } else if (s.nf4()) {
      items.add(
          new Item(
              "dequantized weights (one layer, reused)",
              perLayer * b,
              "layer's base parameters × " + b + " (the CPU kernel needs no scratch)"));
    }
    items.add(
        new Item(
            "checkpointed layer inputs",
            (layers + 2) * n * c * b,
            "(L + 2) × B·T·C × " + b + " (saved inputs, upstream gradient, next gradient)"));
    long savedPerToken =
        (b == 2 ? 2 * c * 4 : 0) // norm inputs cast to float32 (float32: the input itself)
            + 2 * c * 4 // LoRA inputs of q/k/v and gate/up in float32
            + q * 4 // LoRA input of o_proj
            + inter * 4 // LoRA input of down_proj
            + (q + 2 * kv) * b // q, k after RoPE, v
            + 4 * inter * b // gate, sigmoid, SiLU product, up
            + 2 * c * b // h and the layer output
            + 7L * s.rank() * 4; // x·Aᵀ per linear
    long transientPerToken = 2 * inter * 4 + c * 4; // widest gradients in flight, float32
    long attention = (long) s.batch() * cfg.heads() * s.seqLen() * s.seqLen();
    items.add(
        new Item(
            "one layer's recompute graph",
            n * (savedPerToken + transientPerToken),
            "B·T × " + (savedPerToken + transientPerToken) + " bytes saved or in flight"));
    items.add(
        new Item(
            "attention probabilities (one layer)",
            attention * (4 + b) * 2,
            "B·H·T² × (4 + " + b + ") saved, × 2 with the backward's gradients"));
    int positions = Math.max(1, s.seqLen() - 1);
    long rows =
        CheckpointedStep.headChunkRows(
            s.batch(), positions, cfg.vocabSize(), s.gpu() ? GPU : ComputeDevice.cpu());
    long block = (long) s.batch() * rows * vocab; // logits of one block of positions
    items.add(
        new Item(
            "loss head (one block of " + rows + " positions)",
            block * (4 + (eb < 4 ? eb : 0)) + n * c * b,
            eb < 4
                ? "B·rows·V × (4: float32 logits, then their gradient in place; "
                    + eb
                    + ": the lm_head's product, then the gradient in its dtype) + h's gradient"
                : "B·rows·V × 4 (the logits, then their gradient in place) + h's gradient"));
    items.add(
        s.gpu()
            ? new Item("CUDA context + workspace", CUDA_RUNTIME_BYTES, "measured, typical")
            : new Item("runtime (JVM + libtorch)", CPU_RUNTIME_BYTES, "measured on the CPU"));
    return new MemoryPlan(List.copyOf(items), s);
  }

  private static final ComputeDevice GPU = ComputeDevice.of(ai.djl.Device.gpu());

  private static long ceil(long a, long d) {
    return (a + d - 1) / d;
  }

  static String gib(long bytes) {
    return String.format("%.2f", bytes / (double) (1L << 30));
  }
}
