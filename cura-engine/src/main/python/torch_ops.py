"""Generates torch_ops.pt: the few libtorch routines CURA calls through DJL's TorchScript API.

Why: DJL 0.36's PyTorch JNI maps its DataType ordinals to libtorch ScalarTypes with a switch that
knows float32..complex64 only and ends in a bare `throw;` (djl_pytorch_utils.h,
GetScalarTypeFromDType). Asking DJL for BFLOAT16 (ordinal 11) in any call that takes a dtype
(toType, create, zeros, softmax, ...) therefore calls std::terminate and aborts the JVM ("terminate
called without an active exception"). DJL's own toType also runs under a NoGradGuard, so no DJL
cast is differentiable. A scripted module loaded through DJL (JniUtils.loadModule) and run with
training=true (IValueUtils.forward) has neither problem: `x.to(torch.bfloat16)` happens inside
libtorch and autograd records it (ToCopyBackward0).

The dequantization routines write into caller-owned buffers (out=), so a training step reuses one
layer's worth of dequantized weights instead of allocating and freeing them per linear.

Run with Debian's python3-torch 1.13 (`/usr/bin/python3 torch_ops.py OUT.pt`); the archive is
committed, so builds and CI need no Python. libtorch 2.x loads 1.13 archives.
"""
import sys
from typing import List

import torch
from torch import Tensor


class CuraOps(torch.nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        return x

    @torch.jit.export
    def to_bf16(self, x: Tensor) -> Tensor:
        return x.to(torch.bfloat16)

    @torch.jit.export
    def to_f16(self, x: Tensor) -> Tensor:
        return x.to(torch.float16)

    @torch.jit.export
    def to_f32(self, x: Tensor) -> Tensor:
        return x.to(torch.float32)

    @torch.jit.export
    def to_f64(self, x: Tensor) -> Tensor:
        return x.to(torch.float64)

    @torch.jit.export
    def silu_mul(self, gate: Tensor, up: Tensor) -> Tensor:
        """silu(gate) * up, the SwiGLU product, as transformers' LlamaMLP computes it
        (act_fn(gate_proj(x)) * up_proj(x)): one silu kernel instead of sigmoid and a product, and
        libtorch's silu_backward instead of the three products of their chain rule."""
        return torch.nn.functional.silu(gate) * up

    @torch.jit.export
    def lora_addmm_(self, y: Tensor, xa: Tensor, b_t: Tensor, scaling: Tensor) -> Tensor:
        """y += scaling * (xa @ b_t), in place and recorded by autograd: a LoRA branch's second
        product accumulated straight into the base product's output (one GEMM with beta = 1), where
        PEFT's `result + lora_B(lora_A(x)) * scaling` allocates the branch's [N, out] product and a
        sum. y [N, out] (the base product: nothing saves it), xa [N, r], b_t [r, out], one dtype;
        scaling a 0-d tensor (read once as a number: autograd keeps the number, not the tensor)."""
        return y.addmm_(xa, b_t, beta=1.0, alpha=float(scaling))

    @torch.jit.export
    def ce_grad_(self, logits: Tensor, target: Tensor, weight: Tensor) -> Tensor:
        """Cross-entropy of float logits [N, V] against target int64 [N, 1] with per-row weights [N]
        (0 where ignored): returns sum_i weight[i] * (logsumexp(logits[i]) - logits[i, target[i]])
        and overwrites logits, in place, with that sum's gradient,
            d/dlogits[i, j] = weight[i] * (softmax(logits[i])[j] - [j == target[i]]),
        so a loss head holds one [N, V] buffer where log_softmax -> gather under autograd holds four
        (logits, log-probabilities, and the gradient of each). The max is subtracted before exp,
        as log_softmax does."""
        mx = torch.amax(logits, dim=1, keepdim=True)
        picked = torch.gather(logits, 1, target)
        logits.sub_(mx).exp_()
        total = logits.sum(dim=1, keepdim=True)
        nll = (torch.log(total) + mx - picked).squeeze(1)
        logits.div_(total)
        logits.scatter_add_(1, target, torch.full_like(picked, -1.0))
        logits.mul_(weight.unsqueeze(1))
        return (nll * weight).sum()

    @torch.jit.export
    def empty_as(self, shape: Tensor, like: Tensor) -> Tensor:
        """An uninitialized tensor of `shape` (int64 [rank], on the CPU) with like's dtype and device."""
        sizes: List[int] = shape.tolist()
        return torch.empty(sizes, dtype=like.dtype, device=like.device)

    @torch.jit.export
    def bf16_from_bytes(self, b: Tensor) -> Tensor:
        """uint8 [2n] little-endian bfloat16 bit patterns -> bfloat16 [n], exactly.

        value = (-1)^s * 2^(e-127) * (1 + m/128)   (e > 0),   (-1)^s * 2^-126 * m/128   (e = 0)
        e = 255: inf (m = 0) or NaN. Every bfloat16 is a float32, so the float32 arithmetic is exact.
        """
        pairs = b.view(-1, 2).to(torch.int32)
        bits = pairs[:, 0] + pairs[:, 1] * 256
        sign = 1.0 - 2.0 * (bits // 32768).to(torch.float32)
        e = (bits // 128) % 256
        m = (bits % 128).to(torch.float32) / 128.0
        normal = (1.0 + m) * torch.pow(2.0, (e - 127).to(torch.float32))
        sub = m * (2.0 ** -126)
        val = torch.where(e == 0, sub, normal)
        special = torch.where(m == 0.0, torch.full_like(m, float("inf")), torch.full_like(m, float("nan")))
        val = torch.where(e == 255, special, val)
        return (val * sign).to(torch.bfloat16)

    @torch.jit.export
    def dq_absmax(self, qabsmax: Tensor, code8: Tensor, nested: Tensor, offset: Tensor) -> Tensor:
        """absmax[b] = code8[qabsmax[b]] * nested[b // 256] + offset  (float32 [nb])."""
        nb = qabsmax.size(0)
        scaled = torch.index_select(code8, 0, qabsmax.to(torch.int32))
        per_block = torch.repeat_interleave(nested, 256)[:nb]
        return scaled * per_block + offset

    @torch.jit.export
    def dequant_into(self, packed: Tensor, pair_table: Tensor, absmax: Tensor, idx: Tensor,
                     vals: Tensor, out: Tensor) -> Tensor:
        """out[i] = code4[q[i]] * absmax[i // blocksize], q from packed nibbles (high first).

        packed uint8 [n/2]; pair_table float32 [256, 2] = (code4[b >> 4], code4[b & 15]);
        absmax float32 [nb]; idx int32 [n/2] and vals float32 [n/2, 2] are scratch; out [n] in any
        float dtype (the product is formed in float32 and rounded once into out's dtype, as
        bitsandbytes' dequantize kernel does). n must be a multiple of the block size.
        """
        idx.copy_(packed)
        # each (hi, lo) pair of float32 moves as one 8-byte element: the [256, 2] table and the
        # [n/2, 2] scratch viewed as complex64 (same storage, same bits; TorchScript has no
        # view(dtype)) make it a 1-D gather, about twice as fast as gathering 2-float rows
        torch.index_select(torch.view_as_complex(pair_table), 0, idx, out=torch.view_as_complex(vals))
        nb = absmax.size(0)
        torch.mul(vals.view(nb, -1), absmax.view(nb, 1), out=out.view(nb, -1))
        return out


if __name__ == "__main__":
    torch.jit.save(torch.jit.script(CuraOps()), sys.argv[1])
