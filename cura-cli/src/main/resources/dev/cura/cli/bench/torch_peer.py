"""The PyTorch eager peer of `./cura bench train`: the same QLoRA step on the same shapes.

One process = one side (like CURA's bench workers): a synthetic Llama (hidden, layers, heads,
kv heads, intermediate, vocab, head_dim 128, untied lm_head), the seven decoder linears either
dense or NF4 (packed 4-bit codes with double-quantized block constants, dequantized by torch ops
on every use -- bitsandbytes is not installed on these machines), LoRA r/alpha on all seven
linears (float32 master weights, PEFT's dtype handling), per-layer activation checkpointing,
cross-entropy in float32 over every position, AdamW on the LoRA parameters. It prints one line
`RESULT {json}` with the median step time, CPU seconds per step, peak RSS and (CUDA) peak device
memory.

Two builders:
  plain  torch only (Debian's python3-torch 1.13 on the CPU machines): a Llama written the way
         transformers' modeling_llama computes it in eager mode (RMSNorm in float32, rotate-half
         RoPE, repeated KV heads, softmax in float32) and LoRA the way PEFT's Linear does.
  hf     transformers' LlamaForCausalLM + peft's get_peft_model (the GPU machine has both); the
         NF4 base is an nn.Linear subclass whose forward dequantizes with torch ops, which peft
         wraps like any Linear.

Usage: python3 torch_peer.py --quant nf4|none --dtype fp32|bf16 --hidden H --layers L --heads N
       --kv-heads K --intermediate I [--vocab 32000] [--seq-len 256] [--batch 1] [--rank 16]
       [--warmup 1] [--steps 3] [--threads T] [--device cpu|cuda] [--impl plain|hf] [--lockstep]
"""
import argparse
import json
import math
import re
import resource
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.checkpoint import checkpoint

HEAD_DIM = 128
# bitsandbytes' NF4 code (QLoRA paper, appendix E)
NF4 = [-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
       -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
       0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
       0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0]


class Nf4Linear(nn.Linear):
    """A frozen linear stored as NF4 codes (block 64) with double-quantized absmax (block 256),
    dequantized by torch ops in every forward, as bitsandbytes' Linear4bit does in CUDA:
        absmax[b] = code8[qabsmax[b]] * nested[b // 256] + offset
        w[i]      = code4[nibble(i)] * absmax[i // 64]      (high nibble first)
    """

    def __init__(self, out_f, in_f, compute_dtype, device, gen):
        super().__init__(in_f, out_f, bias=False, device="meta")
        n = out_f * in_f
        nb = (n + 63) // 64
        self.compute_dtype = compute_dtype
        packed = torch.randint(0, 256, (n // 2,), dtype=torch.uint8, generator=gen).to(device)
        self.weight = nn.Parameter(packed, requires_grad=False)
        self.register_buffer("qabsmax", torch.randint(96, 160, (nb,), dtype=torch.uint8, generator=gen).to(device))
        self.register_buffer("nested", torch.full(((nb + 255) // 256,), 0.02, device=device))
        self.register_buffer("code8", torch.linspace(-1, 1, 256, device=device))
        self.register_buffer("code4", torch.tensor(NF4, device=device))
        self.offset = 0.03

    def dequantize(self):
        nb = self.qabsmax.numel()
        absmax = self.code8[self.qabsmax.long()] * self.nested.repeat_interleave(256)[:nb] + self.offset
        packed = self.weight
        codes = torch.stack([packed >> 4, packed & 15], dim=-1).view(-1).long()
        w = self.code4[codes].view(nb, 64) * absmax[:, None]
        return w.view(self.out_features, self.in_features).to(self.compute_dtype)

    def forward(self, x):
        return F.linear(x.to(self.compute_dtype), self.dequantize())


def base_linear(out_f, in_f, quant, dtype, device, gen):
    if quant == "nf4":
        return Nf4Linear(out_f, in_f, dtype, device, gen)
    lin = nn.Linear(in_f, out_f, bias=False)
    with torch.no_grad():
        lin.weight.copy_(torch.randn(out_f, in_f, generator=gen) * 0.02)
    return lin.to(device=device, dtype=dtype).requires_grad_(False)


class Lora(nn.Module):
    """PEFT's LoRA Linear: result = base(x) + B(A(dropout(x.to(fp32)))) * scaling, cast back."""

    def __init__(self, base, r, alpha):
        super().__init__()
        self.base = base
        self.lora_A = nn.Linear(base.in_features, r, bias=False)
        self.lora_B = nn.Linear(r, base.out_features, bias=False)
        nn.init.kaiming_uniform_(self.lora_A.weight, a=math.sqrt(5))
        nn.init.zeros_(self.lora_B.weight)
        self.scaling = alpha / r

    def forward(self, x):
        result = self.base(x)
        dtype = result.dtype
        result = result + self.lora_B(self.lora_A(x.to(self.lora_A.weight.dtype))) * self.scaling
        return result.to(dtype)


class RMSNorm(nn.Module):
    def __init__(self, c, dtype, device):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(c, dtype=dtype, device=device), requires_grad=False)

    def forward(self, x):
        dtype = x.dtype
        h = x.to(torch.float32)
        h = h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + 1e-5)
        return self.weight * h.to(dtype)


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


class Layer(nn.Module):
    def __init__(self, a, dtype, device, gen):
        super().__init__()
        c, q, kv, inter = a.hidden, a.heads * HEAD_DIM, a.kv_heads * HEAD_DIM, a.intermediate
        self.heads, self.kv = a.heads, a.kv_heads

        def lin(o, i):
            return Lora(base_linear(o, i, a.quant, dtype, device, gen), a.rank, 2 * a.rank).to(device)

        self.q, self.k, self.v, self.o = lin(q, c), lin(kv, c), lin(kv, c), lin(c, q)
        self.gate, self.up, self.down = lin(inter, c), lin(inter, c), lin(c, inter)
        self.n1, self.n2 = RMSNorm(c, dtype, device), RMSNorm(c, dtype, device)

    def forward(self, x, cos, sin, mask):
        b, t, c = x.shape
        n = self.n1(x)
        q = self.q(n).view(b, t, self.heads, HEAD_DIM).transpose(1, 2)
        k = self.k(n).view(b, t, self.kv, HEAD_DIM).transpose(1, 2)
        v = self.v(n).view(b, t, self.kv, HEAD_DIM).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        g = self.heads // self.kv
        k = k[:, :, None].expand(b, self.kv, g, t, HEAD_DIM).reshape(b, self.heads, t, HEAD_DIM)
        v = v[:, :, None].expand(b, self.kv, g, t, HEAD_DIM).reshape(b, self.heads, t, HEAD_DIM)
        s = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(HEAD_DIM) + mask
        p = F.softmax(s, dim=-1, dtype=torch.float32).to(q.dtype)
        ctx = torch.matmul(p, v).transpose(1, 2).reshape(b, t, c)
        h = x + self.o(ctx)
        n = self.n2(h)
        return h + self.down(F.silu(self.gate(n)) * self.up(n))


class PlainLlama(nn.Module):
    def __init__(self, a, dtype, device):
        super().__init__()
        gen = torch.Generator().manual_seed(7)
        self.dtype = dtype
        self.embed = nn.Parameter((torch.randn(a.vocab, a.hidden, generator=gen) * 0.02).to(device, dtype), requires_grad=False)
        self.layers = nn.ModuleList([Layer(a, dtype, device, gen) for _ in range(a.layers)])
        self.norm = RMSNorm(a.hidden, dtype, device)
        self.lm_head = nn.Parameter((torch.randn(a.vocab, a.hidden, generator=gen) * 0.02).to(device, dtype), requires_grad=False)
        inv = 1.0 / (10000 ** (torch.arange(0, HEAD_DIM, 2, dtype=torch.int64).float() / HEAD_DIM))
        ang = torch.outer(torch.arange(a.seq_len).float(), inv)
        emb = torch.cat((ang, ang), dim=-1)
        self.cos, self.sin = emb.cos().to(device, dtype), emb.sin().to(device, dtype)
        self.mask = torch.full((a.seq_len, a.seq_len), float("-inf"), device=device).triu(1).to(dtype)

    def forward(self, ids):
        h = F.embedding(ids, self.embed)
        h.requires_grad_(True)  # what transformers' enable_input_require_grads does for checkpointing
        for layer in self.layers:
            h = checkpoint(layer, h, self.cos, self.sin, self.mask, use_reentrant=False)
        return F.linear(self.norm(h), self.lm_head).float()


def build_plain(a, dtype, device):
    return PlainLlama(a, dtype, device)


def build_hf(a, dtype, device):
    from peft import LoraConfig, get_peft_model
    from transformers import LlamaConfig, LlamaForCausalLM

    cfg = LlamaConfig(vocab_size=a.vocab, hidden_size=a.hidden, intermediate_size=a.intermediate,
                      num_hidden_layers=a.layers, num_attention_heads=a.heads,
                      num_key_value_heads=a.kv_heads, head_dim=HEAD_DIM,
                      max_position_embeddings=max(4096, a.seq_len), tie_word_embeddings=False)
    cfg._attn_implementation = a.attn
    with torch.device(device):
        model = LlamaForCausalLM(cfg).to(dtype)
    gen = torch.Generator().manual_seed(7)
    if a.quant == "nf4":
        names = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
        for layer in model.model.layers:
            for parent in (layer.self_attn, layer.mlp):
                for n in names:
                    if hasattr(parent, n):
                        old = getattr(parent, n)
                        setattr(parent, n, Nf4Linear(old.out_features, old.in_features, dtype, device, gen))
                        del old
        if device == "cuda":
            torch.cuda.empty_cache()
    model.requires_grad_(False)
    model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    model.enable_input_require_grads()
    lora = LoraConfig(r=a.rank, lora_alpha=2 * a.rank, lora_dropout=0.0, bias="none",
                      target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
                      task_type="CAUSAL_LM")
    model = get_peft_model(model, lora)
    for p in model.parameters():
        if p.requires_grad:
            p.data = p.data.float()  # float32 master weights, as with a 4-bit base
    model.train()

    class Wrapped(nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, ids):
            return self.m(input_ids=ids).logits.float()

    return Wrapped(model)


def blas_info():
    """The BLAS this torch was built with, from its build configuration (BLAS_INFO=mkl, generic,
    open...). 'generic' means the system's libblas.so.3 (on Debian: whatever the alternative points
    to, OpenBLAS or the reference BLAS)."""
    m = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
    return m.group(1) if m else "unknown"


def matmul_peak(n, seconds, dtype, device):
    """This torch's own n x n x n matmul rate (GFLOP per wall second and per CPU second), measured
    like CURA's: one warm-up product, then products for `seconds`."""
    cuda = device.startswith("cuda")
    a = torch.randn(n, n, device=device).to(dtype)
    b = torch.randn(n, n, device=device).to(dtype)
    torch.matmul(a, b)
    if cuda:
        torch.cuda.synchronize()
    w0, c0, reps = time.perf_counter(), time.process_time(), 0
    while time.perf_counter() - w0 < seconds:
        torch.matmul(a, b)
        reps += 1
    if cuda:
        torch.cuda.synchronize()
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    flop = 2.0 * n * n * n * reps / 1e9
    return flop / wall, (flop / wall if cuda else flop / cpu)


class Lockstep:
    """The peer's half of the lockstep protocol (BenchSide.Running in the CLI)."""

    def wait(self):
        """The last word of the launcher's next line (go build|warmup|timed|profile|result)."""
        line = sys.stdin.readline()
        if not line:
            raise SystemExit("lockstep: the launcher closed stdin")
        words = line.split()
        return words[-1] if words else ""

    def signal(self, marker):
        print(marker, flush=True)


def main():
    ap = argparse.ArgumentParser()
    for k, d in [("hidden", None), ("layers", None), ("heads", None), ("kv-heads", None),
                 ("intermediate", None), ("vocab", 32000), ("seq-len", 256), ("batch", 1),
                 ("rank", 16), ("warmup", 1), ("steps", 3), ("threads", 0)]:
        ap.add_argument("--" + k, type=int, default=d, required=d is None)
    ap.add_argument("--quant", choices=["nf4", "none"], required=True)
    ap.add_argument("--dtype", choices=["fp32", "bf16"], default="fp32")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--impl", choices=["plain", "hf"], default="plain")
    ap.add_argument("--attn", default="sdpa", help="hf only: transformers attention implementation")
    ap.add_argument("--profile", help="Chrome trace of one more, untimed step under torch.profiler")
    ap.add_argument("--lockstep", action="store_true",
                    help="wait for a line on stdin before the build, every step (its last word: "
                         "warmup, timed or profile) and the result; answer READY after the build "
                         "and STEP n warm after step n (./cura bench train runs its sides one step "
                         "at a time this way)")
    a = ap.parse_args()
    gate = Lockstep() if a.lockstep else None
    if gate:
        gate.wait()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(3)
    dtype = torch.bfloat16 if a.dtype == "bf16" else torch.float32
    cuda = a.device.startswith("cuda")
    peak_n = 8192 if cuda else 1024
    peak_wall, peak_cpu = matmul_peak(peak_n, 2.0, dtype, a.device)
    t0 = time.time()
    model = (build_hf if a.impl == "hf" else build_plain)(a, dtype, a.device)
    build = time.time() - t0
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.0)
    gen = torch.Generator().manual_seed(3)
    ids = torch.randint(0, a.vocab, (a.batch, a.seq_len), generator=gen).to(a.device)
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    def step():
        logits = model(ids)
        loss = F.cross_entropy(logits[:, :-1].reshape(-1, a.vocab), ids[:, 1:].reshape(-1))
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        return loss

    if gate:
        gate.signal("READY")
    times, cpu, step_peaks, warmups, s = [], [], [], 0, 0
    while len(times) < a.steps:
        # in lockstep the launcher says whether this step is timed (it ends the warm-up when no
        # JVM side is still compiling); otherwise the first --warmup steps warm up
        timed = gate.wait() == "timed" if gate else s >= a.warmup
        warmups += 0 if timed else 1
        if cuda:
            torch.cuda.synchronize()
        w0, c0 = time.perf_counter(), time.process_time()
        loss = step()
        if cuda:
            torch.cuda.synchronize()
        if timed:
            times.append(time.perf_counter() - w0)
            cpu.append(time.process_time() - c0)
        if gate:
            if timed:  # the machine's speed right after this step (see BenchReport)
                step_peaks.append(matmul_peak(peak_n, 0.25, dtype, a.device))
            gate.signal("STEP %d warm" % s)
        s += 1
    if a.profile:
        from torch.profiler import ProfilerActivity, profile
        if gate:
            gate.wait()
        acts = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if cuda else [])
        with profile(activities=acts, record_shapes=True) as prof:
            step()
        prof.export_chrome_trace(a.profile)
        if gate:
            gate.signal("STEP %d warm" % s)
    out = {
        "side": "torch", "impl": a.impl, "quant": a.quant, "dtype": a.dtype, "device": a.device,
        "torch_version": torch.__version__, "threads": torch.get_num_threads(),
        "blas": blas_info(), "matmul_peak_n": peak_n,
        "matmul_peak_gflops": peak_wall, "matmul_peak_cpu_gflops": peak_cpu,
        "build_seconds": build, "warmup_steps": warmups,
        "median_step_seconds": statistics.median(times),
        "step_seconds": times, "step_cpu_seconds": cpu,
        "cpu_seconds_per_step": statistics.median(cpu),
        "tokens_per_second": a.batch * a.seq_len / statistics.median(times),
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "trainable_params": sum(p.numel() for p in params), "loss": loss.item(),
    }
    if gate:
        out["step_matmul_peak_gflops"] = [p[0] for p in step_peaks]
        out["step_matmul_peak_cpu_gflops"] = [p[1] for p in step_peaks]
    if a.impl == "hf":
        out["attn_implementation"] = a.attn
    if cuda:
        out["peak_device_bytes"] = torch.cuda.max_memory_allocated()
        out["peak_device_reserved_bytes"] = torch.cuda.max_memory_reserved()
    if gate:
        gate.wait()  # interpreter shutdown takes CPU: not while another side steps
    print("RESULT " + json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
