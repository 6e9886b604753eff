#!/usr/bin/env python3
"""Independent numpy emulation of the bitsandbytes default (pure-PyTorch) backend for blockwise
4-bit (NF4/FP4) quantization, double quantization and 8-bit blockwise quantization, as described
in QLORA-SPEC.md §1-§5. Writes the golden files the Java tests compare against bit for bit.

Semantics emulated (bitsandbytes/backends/default/ops.py at the HEAD named in QLORA-SPEC):
  absmax    = max|x| per block (float32), tail block over its real elements
  scaled    = clamp(x * (1 / absmax.clamp(min=1e-38)), -1, 1)          (float32)
  code      = bucketize(scaled, float32 midpoints of the sorted code, right=False)
              (FP4: stable argsort of the code first, then map back)
  packed    = q[2j] << 4 | q[2j+1]; odd n padded with the code of 0.0
  DQ        = offset = mean(absmax); 8-bit blockwise(absmax - offset, signed dynamic map, 256)
  dequant   = code[q] * absmax (float32), DQ absmax = code8[q] * nested + offset (float32)

Where CUDA differs: an all-zero block on CUDA computes 0 * (1/0) = NaN and gets code 0 (-1.0)
for NF4; the default/CPU backend (emulated here, and matched by CURA) gets the code of 0.0 (7).
Both decode to zero. offset: the float32 of the exact (float64-accumulated) mean; PyTorch's
float32 cascade sum can differ by 1 ulp depending on version/device.

The signed/unsigned dynamic maps are read from golden/dynamic_map_*.bits: they were produced by
bitsandbytes' create_dynamic_map under PyTorch 1.13 (torch.linspace differs from numpy.linspace
in the last bit, so numpy cannot rebuild them exactly). Run: python3 bnb_reference.py OUTDIR
"""
import json
import os
import struct
import sys

import numpy as np

F32 = np.float32

NF4 = np.array([
    -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
    -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
    0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
    0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0], dtype=F32)
FP4 = (np.array([0, 0.0625, 8, 12, 4, 6, 2, 3, -0.0, -0.0625, -8, -12, -4, -6, -2, -3],
                dtype=F32) / F32(12)).astype(F32)
CODES = {"nf4": NF4, "fp4": FP4}


def load_bits(path):
    with open(path) as f:
        return np.array([int(v, 16) for v in f.read().split()], dtype=np.uint32).view(F32)


HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "..", "resources", "golden")
DYN_SIGNED = load_bits(os.path.join(GOLDEN, "dynamic_map_signed.bits"))
DYN_UNSIGNED = load_bits(os.path.join(GOLDEN, "dynamic_map_unsigned.bits"))


def midpoints(sorted_code):
    return ((sorted_code[:-1] + sorted_code[1:]) / F32(2)).astype(F32)


def bucketize(x, mids):
    # torch.bucketize(right=False): index i with mids[i-1] < x <= mids[i]  ==  count(mids < x)
    return np.searchsorted(mids, x, side="left")


def quantize_codes(scaled, code):
    order = np.argsort(code, kind="stable")
    pos = bucketize(scaled, midpoints(code[order]))
    return order[pos].astype(np.uint8)


def block_absmax(x, B):
    n = x.size
    nb = (n + B - 1) // B
    pad = np.zeros(nb * B, dtype=F32)
    pad[:n] = np.abs(x)
    return pad.reshape(nb, B).max(axis=1).astype(F32)


def scale(x, absmax, B):
    n = x.size
    recip = (F32(1) / np.maximum(absmax, F32(1e-38))).astype(F32)
    per = np.repeat(recip, B)[:n]
    return np.clip((x * per).astype(F32), F32(-1), F32(1)).astype(F32)


def quantize_4bit(x, B, qt):
    x = x.astype(F32).reshape(-1)
    absmax = block_absmax(x, B)
    q = quantize_codes(scale(x, absmax, B), CODES[qt])
    if q.size % 2:
        q = np.concatenate([q, quantize_codes(np.zeros(1, F32), CODES[qt])])
    packed = ((q[0::2].astype(np.uint8) << 4) | q[1::2]).astype(np.uint8)
    return packed, absmax


def quantize_blockwise8(x, code, B):
    x = x.astype(F32).reshape(-1)
    absmax = block_absmax(x, B)
    q = bucketize(scale(x, absmax, B), midpoints(code)).astype(np.uint8)
    return q, absmax


def dequantize_blockwise8(q, absmax, code, B):
    return (code[q] * np.repeat(absmax, B)[: q.size]).astype(F32)


def double_quant(absmax):
    offset = F32(np.sum(absmax.astype(np.float64)) / absmax.size)
    q, nested = quantize_blockwise8((absmax - offset).astype(F32), DYN_SIGNED, 256)
    return q, nested, offset


def dequantize_4bit(packed, absmax, B, qt, n):
    q = np.empty(packed.size * 2, dtype=np.uint8)
    q[0::2] = packed >> 4
    q[1::2] = packed & 0x0F
    return (CODES[qt][q[:n]] * np.repeat(absmax, B)[:n]).astype(F32)


# ---- minimal safetensors writer (independent of the Java one) --------------------------------

ST_DTYPE = {np.dtype(F32): "F32", np.dtype(np.uint8): "U8", np.dtype(np.uint16): "BF16",
            np.dtype(np.float16): "F16"}


def write_safetensors(path, tensors):
    header, blobs, off = {}, [], 0
    for name, arr in tensors.items():
        b = arr.tobytes()
        header[name] = {"dtype": ST_DTYPE[arr.dtype], "shape": list(arr.shape),
                        "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def to_bf16_bits(x):
    u = x.astype(F32).view(np.uint32)
    r = ((u + (((u >> 16) & 1) + 0x7FFF)) >> 16).astype(np.uint16)
    return r


def bf16_to_f32(bits):
    return (bits.astype(np.uint32) << 16).view(F32)


def golden_case(path, x, B, qt, dq, dtype):
    """x: float32 values (already representable in dtype); writes input + bnb keys + dequant."""
    n = x.size
    shape = list(x.shape)
    packed, absmax = quantize_4bit(x, B, qt)
    t = {}
    if dtype == "bfloat16":
        t["x"] = to_bf16_bits(x)
    elif dtype == "float16":
        t["x"] = x.astype(np.float16)
    else:
        t["x"] = x.astype(F32)
    t["w.weight"] = packed.reshape(-1, 1)
    js = {"quant_type": qt, "blocksize": B, "dtype": dtype, "shape": shape}
    if dq:
        qa, nested, offset = double_quant(absmax)
        t["w.weight.absmax"] = qa
        t["w.weight.quant_map"] = CODES[qt]
        t["w.weight.nested_absmax"] = nested
        t["w.weight.nested_quant_map"] = DYN_SIGNED.copy()
        js.update({"nested_blocksize": 256, "nested_dtype": "float32",
                   "nested_offset": float(offset)})
        absmax_eff = (dequantize_blockwise8(qa, nested, DYN_SIGNED, 256) + offset).astype(F32)
    else:
        t["w.weight.absmax"] = absmax
        t["w.weight.quant_map"] = CODES[qt]
        absmax_eff = absmax
    t["w.weight.quant_state.bitsandbytes__" + qt] = np.frombuffer(
        json.dumps(js).encode("utf-8"), dtype=np.uint8).copy()
    t["deq"] = dequantize_4bit(packed, absmax_eff, B, qt, n)
    write_safetensors(path, t)


def special_input(rng, B, keep=None):
    """Blocks that exercise every rule: exact midpoint ties (and their float neighbours), an
    all-zero block, tiny and subnormal blocks, an outlier block, a negative-absmax block."""
    mids = midpoints(NF4)
    fmids = midpoints(np.sort(FP4))
    blocks = []
    # ties: absmax 1 (first element), then each midpoint, its nextafter below and above, negated
    vals = [F32(1.0)]
    for m in list(mids) + list(fmids):
        vals += [m, np.nextafter(m, F32(-2)), np.nextafter(m, F32(2)), -m]
    vals = np.array(vals, dtype=F32)
    vals = np.concatenate([vals, np.zeros((-vals.size) % B, F32)])
    blocks.append(vals)
    # ties at absmax 2^-3 (scaling by a power of two is exact, so ties stay ties)
    blocks.append((vals * F32(0.125)).astype(F32))
    blocks.append(np.zeros(B, F32))                                     # all zero
    blocks.append((rng.standard_normal(B) * 1e-30).astype(F32))         # tiny
    blocks.append((rng.standard_normal(B) * 1e-41).astype(F32))         # subnormal
    o = (rng.standard_normal(B) * 0.02).astype(F32)
    o[B // 3] = F32(1e4)                                                # outlier
    blocks.append(o)
    ng = (rng.standard_normal(B) * 0.5).astype(F32)
    ng[5] = -np.abs(ng).max() * F32(2)                                  # absmax from a negative
    blocks.append(ng)
    blocks.append(np.full(B, F32(-0.0)))                                # negative zeros
    if keep is not None:
        blocks = [blocks[i] for i in keep]
    return np.concatenate(blocks).astype(F32)


def main(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(1234)
    cases = []
    for B in (32, 64, 128, 4096):
        base = special_input(rng, B, keep=[0, 2, 5] if B == 4096 else None)
        # tail: an odd number of extra random elements
        tail = (rng.standard_normal(B // 2 + 7) * 0.3).astype(F32)
        cases.append((f"special_b{B}", np.concatenate([base, tail]).astype(F32), B))
    # bf16 input: random normal rounded to bf16, 2-D, odd element count, with a tail block
    xb = bf16_to_f32(to_bf16_bits(rng.standard_normal((37, 91)).astype(F32) * F32(0.02)))
    cases.append(("bf16_37x91", xb, 64))
    # f16 input (values exactly representable in float16), odd count, tail block
    # (own generator, so adding this case left the other golden files unchanged)
    xh = (np.random.default_rng(99).standard_normal((13, 77)) * 0.05).astype(np.float16)
    xh = xh.astype(F32)
    cases.append(("f16_13x77", xh, 64))
    # many blocks: several nested (256) groups plus a nested tail; bf16
    xl = bf16_to_f32(to_bf16_bits(rng.standard_normal((520, 64)).astype(F32)))
    xl[3 * 64:4 * 64] = 0  # an all-zero block inside
    cases.append(("bf16_520x64", xl, 64))
    # constant absmax everywhere (absmax - offset == 0 for every block: nested absmax 0)
    cases.append(("const", np.tile(np.array([0.5, -0.25], F32), 300), 64))
    for name, x, B in cases:
        dtype = {"bf16": "bfloat16", "f16_": "float16"}.get(name[:4], "float32")
        big = x.size > 20000
        for qt in ("nf4", "fp4"):
            for dq in (True, False):
                if big and (qt == "nf4") != dq:
                    continue  # big inputs: nf4+dq and fp4 without dq only (keeps the repo small)
                fn = f"{name}_{qt}_{'dq' if dq else 'nodq'}.safetensors"
                golden_case(os.path.join(out, fn), x, B, qt, dq, dtype)
    # 8-bit blockwise (optimizer states): signed and unsigned maps, blocks of 256, tail
    x8 = rng.standard_normal(256 * 3 + 100).astype(F32)
    x8[256:300] = 0
    for sname, code, data in (("signed", DYN_SIGNED, x8), ("unsigned", DYN_UNSIGNED, np.abs(x8))):
        q, absmax = quantize_blockwise8(data, code, 256)
        write_safetensors(os.path.join(out, f"q8_{sname}.safetensors"), {
            "x": data.astype(F32), "q": q, "absmax": absmax,
            "deq": dequantize_blockwise8(q, absmax, code, 256)})
    # python repr of assorted float32 offsets (json.dumps form)
    reprs = [json.dumps(float(F32(v))) for v in
             [0.02734375, 0.1, 1e-5, 3.0517578125e-05, 123456789.0, 1e17, 0.0001, 0.00012345,
              7.0, 1.5e-07, 0.0734, 2.5e16, 1e16, 9999999999999998.0]]
    with open(os.path.join(out, "pyrepr.txt"), "w") as f:
        for v, r in zip([0.02734375, 0.1, 1e-5, 3.0517578125e-05, 123456789.0, 1e17, 0.0001,
                         0.00012345, 7.0, 1.5e-07, 0.0734, 2.5e16, 1e16, 9999999999999998.0], reprs):
            f.write(f"{struct.unpack('<I', struct.pack('<f', v))[0]:08x} {r}\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else GOLDEN)
