#!/usr/bin/python3
"""Golden files that prove CURA's model families against Hugging Face transformers and PEFT.

For every case below this script
  1. builds a small random checkpoint of the family with transformers' own *ForCausalLM and config
     class and saves it with save_pretrained (so config.json has the family's real fields), plus a
     word-level tokenizer.json so CURA can train on it;
  2. records transformers' float32 logits for fixed token ids;
  3. runs CURA (`./cura train`, `./cura quantize`) on that checkpoint, then records
     - the logits of the base with CURA's adapter loaded by PEFT's PeftModel.from_pretrained
       (asserting PEFT reports no unexpected and no missing LoRA keys), and
     - transformers' logits on the dequantized NF4 tensors of CURA's bitsandbytes artifact.
The Java tests (cura-engine FamilyGoldenTest) compare CURA against these files; CI needs no Python.

Runs on Debian's python3-torch 1.13 with transformers, PEFT, huggingface_hub and accelerate as
source on the path and numpy stand-ins for the compiled safetensors/tokenizers (shims/); see
README.md next to this file for the exact versions and the command.
"""
import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# name -> (model_type, config fields beyond the shared ones, sequence length)
SHAPE = dict(vocab_size=128, hidden_size=64, intermediate_size=64, num_hidden_layers=2,
             num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
             bos_token_id=0, eos_token_id=1, pad_token_id=1)
CASES = {
    # Llama 3.1: rope_scaling llama3 (original 64 so that the short test sequence still sees
    # every regime of the frequency blend), GQA, untied
    "llama3": ("llama", dict(rope_theta=500000.0, rms_norm_eps=1e-5, tie_word_embeddings=False,
                             rope_scaling=dict(rope_type="llama3", factor=8.0, low_freq_factor=1.0,
                                               high_freq_factor=4.0,
                                               original_max_position_embeddings=64)), 12),
    # Llama with linear RoPE scaling, tied embeddings, attention and MLP biases, and a GELU MLP
    "llama_linear_gelu": ("llama", dict(tie_word_embeddings=True, attention_bias=True,
                                        mlp_bias=True, hidden_act="gelu_pytorch_tanh",
                                        rope_scaling=dict(type="linear", factor=2.0)), 12),
    # Qwen2.5: q/k/v biases, tied, large theta, no sliding window (use_sliding_window false)
    "qwen2": ("qwen2", dict(rope_theta=1000000.0, tie_word_embeddings=True,
                            use_sliding_window=False, sliding_window=4096, max_window_layers=2),
              12),
    # Mistral: explicit head_dim (≠ hidden/heads) and a sliding window shorter than the sequence
    "mistral": ("mistral", dict(head_dim=24, sliding_window=5, tie_word_embeddings=False), 12),
    # Phi-3: fused qkv_proj / gate_up_proj, no rope scaling
    "phi3": ("phi3", dict(rope_scaling=None, sliding_window=None, tie_word_embeddings=False,
                          original_max_position_embeddings=256), 12),
    # Phi-3 with longrope: 72 tokens > original_max_position_embeddings 64 → long factors
    "phi3_longrope": ("phi3", dict(sliding_window=None, tie_word_embeddings=False,
                                   original_max_position_embeddings=64,
                                   rope_scaling=dict(type="longrope",
                                                     short_factor=[1.0, 1.1, 1.3, 1.6, 2.0, 2.5,
                                                                   3.0, 3.5],
                                                     long_factor=[1.0, 1.5, 2.0, 3.0, 4.0, 6.0,
                                                                  8.0, 12.0])), 72),
    # Gemma 2: (1 + w) norms, √hidden embedding scale, sandwich norms, gelu_pytorch_tanh, soft caps
    # small enough to bite, alternating sliding window, query_pre_attn_scalar
    "gemma2": ("gemma2", dict(head_dim=16, sliding_window=5, query_pre_attn_scalar=24,
                              attn_logit_softcapping=2.0, final_logit_softcapping=5.0,
                              hidden_activation="gelu_pytorch_tanh"), 12),
    # Qwen3 (transformers >= 4.51 only): q_norm/k_norm, explicit head_dim, no biases
    "qwen3": ("qwen3", dict(head_dim=24, rope_theta=1000000.0, tie_word_embeddings=True,
                            use_sliding_window=False, max_window_layers=2), 12),
    # Llama with an explicit head_dim ≠ hidden/heads (Llama reads head_dim from transformers 4.45)
    "llama_head_dim": ("llama", dict(head_dim=24, rope_theta=500000.0,
                                     tie_word_embeddings=False), 12),
}


# cases whose modeling code needs transformers >= 4.51 (run with --torch2-placeholders)
NEEDS_451 = ("qwen3", "llama_head_dim")


def source_version(path, module):
    text = open(os.path.join(path, module, "__init__.py")).read()
    return re.search(r'__version__ = "([^"]+)"', text).group(1)


def required(path, package):
    table = open(os.path.join(path, "transformers", "dependency_versions_table.py")).read()
    return re.search(rf'"{package}": "{package}>=([0-9.]+)', table).group(1)


def setup_path(args):
    """Puts the sources and shims on sys.path, with dist-info so importlib.metadata finds them."""
    meta = tempfile.mkdtemp(prefix="cura-oracle-meta-")
    versions = {
        "transformers": source_version(args.transformers, "transformers"),
        "peft": source_version(args.peft, "peft"),
        "huggingface_hub": source_version(args.site, "huggingface_hub"),
        "accelerate": source_version(args.site, "accelerate"),
        # the stand-ins claim the lowest version this transformers accepts
        "safetensors": required(args.transformers, "safetensors"),
        "tokenizers": required(args.transformers, "tokenizers"),
    }
    for name, version in versions.items():
        d = os.path.join(meta, f"{name}-{version}.dist-info")
        os.makedirs(d)
        with open(os.path.join(d, "METADATA"), "w") as f:
            f.write(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    sys.path[:0] = [os.path.join(HERE, "shims"), meta, args.site, args.transformers, args.peft]
    if args.torch2_placeholders:
        torch2_placeholders()
    return versions


def torch2_placeholders():
    """transformers >= 4.51 (the first with Qwen3) imports names that torch 1.13 lacks at module
    level: tensor-parallel and float8 support and torch.compiler. None of them is used by an eager
    float32 forward on the CPU, so placeholders let its modeling code run unchanged."""
    import types

    import torch

    for name in ("torch.distributed.tensor", "torch.distributed.tensor.parallel"):
        m = types.ModuleType(name)
        m.DTensor = type("DTensor", (), {})
        m.Placement = m.Replicate = m.Shard = object
        sys.modules[name] = m
    if not hasattr(torch, "compiler"):
        c = types.ModuleType("torch.compiler")
        c.disable = lambda *a, **k: a[0] if a and callable(a[0]) else (lambda f: f)
        c.is_compiling = lambda: False
        c.is_exporting = lambda: False
        torch.compiler = c
        sys.modules["torch.compiler"] = c
    for dtype in ("float8_e4m3fn", "float8_e5m2", "uint16", "uint32", "uint64"):
        if not hasattr(torch, dtype):
            setattr(torch, dtype, torch.uint8)


def randomize(model, seed, gemma):
    """Weights large enough that every part of the math moves the logits."""
    import torch

    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=g)
            if name.endswith("norm.weight"):
                p.copy_(0.1 * noise if gemma else 1 + 0.1 * noise)  # gemma stores w of (1 + w)
            elif name.endswith(".bias"):
                p.copy_(0.1 * noise)
            elif "embed_tokens" in name:
                p.copy_(noise)
            else:
                p.copy_(noise / math.sqrt(p.shape[-1]))


def write_tokenizer(path, vocab):
    """A word-level tokenizer over 't<i>' words so CURA can train on random token text."""
    words = {"<s>": 0, "</s>": 1}
    words.update({f"t{i}": i for i in range(2, vocab)})
    special = [dict(id=i, content=c, single_word=False, lstrip=False, rstrip=False,
                    normalized=False, special=True) for c, i in (("<s>", 0), ("</s>", 1))]
    tok = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": special,
           "normalizer": None, "pre_tokenizer": {"type": "WhitespaceSplit"},
           "post_processor": None, "decoder": None,
           "model": {"type": "WordLevel", "vocab": words, "unk_token": "</s>"}}
    with open(os.path.join(path, "tokenizer.json"), "w") as f:
        json.dump(tok, f)
    with open(os.path.join(path, "tokenizer_config.json"), "w") as f:
        json.dump({"bos_token": "<s>", "eos_token": "</s>"}, f)


def write_data(path, vocab, seed):
    import random

    r = random.Random(seed)
    with open(path, "w") as f:
        for _ in range(16):
            p = " ".join(f"t{r.randrange(2, vocab)}" for _ in range(6))
            c = " ".join(f"t{r.randrange(2, vocab)}" for _ in range(4))
            f.write(json.dumps({"prompt": p, "completion": c}) + "\n")


def dequantized_state(artifact):
    """The artifact's tensors with every bitsandbytes NF4 weight dequantized (QLORA-SPEC §4)."""
    import numpy as np
    import torch
    from safetensors.torch import load_file

    raw = load_file(os.path.join(artifact, "model.safetensors"))
    out = {}
    for key, t in raw.items():
        if ".weight." in key or key.endswith(".quant_state.bitsandbytes__nf4"):
            continue
        state_key = key + ".quant_state.bitsandbytes__nf4"
        if state_key not in raw:
            out[key] = t
            continue
        qs = json.loads(bytes(raw[state_key].numpy().astype(np.uint8)).decode())
        packed = t.numpy().astype(np.uint8).reshape(-1)
        codes = np.empty(packed.size * 2, dtype=np.int64)
        codes[0::2] = packed >> 4  # element 2j in the high nibble
        codes[1::2] = packed & 0xF
        n = int(np.prod(qs["shape"]))
        code4 = raw[key + ".quant_map"].numpy().astype(np.float32)
        absmax = raw[key + ".absmax"].numpy()
        if "nested_offset" in qs:
            code8 = raw[key + ".nested_quant_map"].numpy().astype(np.float32)
            nested = raw[key + ".nested_absmax"].numpy().astype(np.float32)
            idx = np.arange(absmax.size) // qs["nested_blocksize"]
            absmax = (code8[absmax.astype(np.int64)] * nested[idx]
                      + np.float32(qs["nested_offset"])).astype(np.float32)
        scale = absmax.astype(np.float32)[np.arange(n) // qs["blocksize"]]
        w = (code4[codes[:n]] * scale).astype(np.float32).reshape(qs["shape"])
        out[key] = torch.from_numpy(w)
    return out


def max_rel(a, b):
    return float((a - b).abs().max() / b.abs().max())


def cura(args, *argv):
    cmd = [args.cura, *argv]
    print("  $", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def make_case(args, name, versions):
    import torch
    import transformers
    from peft import PeftModel
    from safetensors.torch import save_file

    model_type, fields, length = CASES[name]
    out = os.path.join(args.out, name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    print(f"{name}: {model_type}", flush=True)
    config_cls = transformers.AutoConfig.for_model(model_type).__class__
    config = config_cls(**{**SHAPE, **fields})
    config._attn_implementation = "eager"
    model_cls = getattr(transformers, architectures(model_type))
    seed = sum(map(ord, name))
    torch.manual_seed(seed)
    model = model_cls(config).float().eval()
    randomize(model, seed, model_type == "gemma2")
    # stored as bfloat16 to keep the committed files small; the oracle computes in float32 on the
    # bf16-rounded values (as CURA does: bf16 widens to float32 exactly)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.bfloat16().float())
    model.save_pretrained(out, safe_serialization=True,
                          state_dict={k: v.bfloat16() for k, v in model.state_dict().items()
                                      if not (k == "lm_head.weight" and config.tie_word_embeddings)})
    write_tokenizer(out, SHAPE["vocab_size"])

    ids = torch.randint(2, SHAPE["vocab_size"], (length,), generator=torch.Generator().manual_seed(
        seed + 1))

    def run(m):
        with torch.no_grad():
            return m(ids[None], use_cache=False).logits[0].float()

    base = load_base(args, model_cls, out)
    logits = run(base)
    assert max_rel(run(model), logits) == 0, "save/load round trip changed the logits"

    data = os.path.join(out, "train.jsonl")
    write_data(data, SHAPE["vocab_size"], seed)
    with tempfile.TemporaryDirectory() as tmp:
        cura(args, "train", "--model", out, "--data", data, "--out", tmp + "/run", "--steps", "3",
             "--lr", "5e-2", "--rank", "4", "--alpha", "8", "--dropout", "0", "--seq-len", "32",
             "--warmup-steps", "0", "--quant", "none", "--seed", "7")
        adapter = os.path.join(out, "adapter")
        os.makedirs(adapter)
        for f in ("adapter_config.json", "adapter_model.safetensors"):
            shutil.copy(os.path.join(tmp, "run", f), adapter)
        cura(args, "quantize", out, tmp + "/nf4")
        nf4_state = dequantized_state(tmp + "/nf4")
    os.remove(data)

    peft_model = PeftModel.from_pretrained(load_base(args, model_cls, out), adapter).eval()
    check = peft_model.load_adapter(adapter, adapter_name="check")
    assert not check.unexpected_keys, f"PEFT: unexpected keys {check.unexpected_keys}"
    missing = [k for k in check.missing_keys if "lora_" in k and ".check." in k]
    assert not missing, f"PEFT: missing LoRA keys {missing}"
    peft_model.set_adapter("default")
    adapter_logits = run(peft_model)
    assert max_rel(adapter_logits, logits) > 1e-3, "the adapter changes nothing: train longer"

    nf4_logits = run(with_state(model_cls(config), nf4_state))

    save_file({"ids": ids.to(torch.int64), "logits": logits.contiguous(),
               "adapter_logits": adapter_logits.contiguous(), "nf4_logits": nf4_logits.contiguous()},
              os.path.join(out, "golden.safetensors"),
              metadata={"transformers": versions["transformers"], "peft": versions["peft"],
                        "torch": torch.__version__})
    print(f"  adapter moves logits by {max_rel(adapter_logits, logits):.3f}, "
          f"NF4 by {max_rel(nf4_logits, logits):.3f} (relative to max |logit|)", flush=True)


def with_state(model, state):
    """The model in float32 eval mode holding exactly `state` (lm_head may be tied)."""
    model = model.float().eval()
    result = model.load_state_dict(state, strict=False)
    assert not result.unexpected_keys, result.unexpected_keys
    assert all(k == "lm_head.weight" for k in result.missing_keys), result.missing_keys
    model.tie_weights()
    return model


def load_base(args, model_cls, path):
    """transformers' from_pretrained in float32 with eager attention. transformers >= 4.51 loads
    through load_state_dict(assign=True), which torch 1.13 lacks: there the config still comes from
    from_pretrained and the tensors from the file into the model the config builds."""
    import torch
    import transformers
    from safetensors.torch import load_file

    if not args.torch2_placeholders:
        return model_cls.from_pretrained(path, torch_dtype=torch.float32,
                                         attn_implementation="eager").eval()
    config = transformers.AutoConfig.from_pretrained(path)
    config._attn_implementation = "eager"
    state = {k: v.float() for k, v in load_file(os.path.join(path, "model.safetensors")).items()}
    return with_state(model_cls(config), state)


def architectures(model_type):
    return {"llama": "LlamaForCausalLM", "mistral": "MistralForCausalLM",
            "qwen2": "Qwen2ForCausalLM", "qwen3": "Qwen3ForCausalLM", "phi3": "Phi3ForCausalLM",
            "gemma2": "Gemma2ForCausalLM"}[model_type]


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--transformers", required=True, help="transformers' src/ directory")
    p.add_argument("--peft", required=True, help="peft's src/ directory")
    p.add_argument("--site", required=True, help="directory holding huggingface_hub, accelerate")
    p.add_argument("--cura", default=os.path.join(HERE, "../../../../cura"), help="./cura")
    p.add_argument("--out", default=os.path.join(HERE, "../resources/families"))
    p.add_argument("--torch2-placeholders", action="store_true",
                   help="let transformers >= 4.51 (Qwen3) import on torch 1.13")
    p.add_argument("cases", nargs="*", default=[c for c in CASES if c not in NEEDS_451])
    args = p.parse_args()
    args.cura = os.path.abspath(args.cura)
    versions = setup_path(args)
    print("oracle:", versions, flush=True)
    for name in args.cases:
        make_case(args, name, versions)


if __name__ == "__main__":
    main()
