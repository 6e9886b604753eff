#!/usr/bin/env python3
"""Cross-check of the golden files with real PyTorch ops (torch.bucketize(right=False),
torch.argsort, torch.clamp, 1/absmax.clamp(min=1e-38)) — a second, independent implementation of
the bitsandbytes default-backend 4-bit quantizer next to bnb_reference.py's numpy one.
Needs torch (verified with Debian's python3-torch 1.13: all 30 golden files agree on packed codes
and absmax; torch's float32 mean() differs from the golden nested_offset by 1 ulp in 2 of 15).
Run: /usr/bin/python3 torch_crosscheck.py
"""
import glob
import json
import os
import struct

import numpy as np
import torch

G=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden")
def read_st(p):
    b=open(p,'rb').read(); n=struct.unpack('<Q',b[:8])[0]; h=json.loads(b[8:8+n]); d=b[8+n:]
    out={}
    for k,v in h.items():
        if k=='__metadata__': continue
        s,e=v['data_offsets']; dt={'F32':np.float32,'U8':np.uint8,'BF16':np.uint16,'F16':np.float16}[v['dtype']]
        out[k]=np.frombuffer(d[s:e],dtype=dt).reshape(v['shape'])
    return out
NF4=torch.tensor([-1.0,-0.6961928009986877,-0.5250730514526367,-0.39491748809814453,-0.28444138169288635,-0.18477343022823334,-0.09105003625154495,0.0,0.07958029955625534,0.16093020141124725,0.24611230194568634,0.33791524171829224,0.44070982933044434,0.5626170039176941,0.7229568362236023,1.0])
FP4=torch.tensor([0, 0.0625, 8, 12, 4, 6, 2, 3, -0.0, -0.0625, -8, -12, -4, -6, -2, -3])/12
def q4(A,B,code):
    n=A.numel(); nb=(n+B-1)//B
    pad=torch.zeros(nb*B); pad[:n]=A.abs().reshape(-1)
    absmax=pad.view(nb,B).max(dim=1)[0]
    r=(1/absmax.clamp(min=1e-38)).repeat_interleave(B)[:n]
    s=torch.clamp(A.reshape(-1)*r,-1,1)
    order=torch.argsort(code); sc=code[order]; mids=(sc[1:]+sc[:-1])/2
    q=order[torch.bucketize(s,mids,right=False)]
    if n%2: q=torch.cat([q, order[torch.bucketize(torch.zeros(1),mids,right=False)]])
    return ((q[0::2]<<4)|q[1::2]).to(torch.uint8), absmax
bad=0; offd=0; tot=0
for p in sorted(glob.glob(G+"/*_??4_*dq.safetensors")):
    t=read_st(p); name=os.path.basename(p)
    x=t['x']; x=torch.from_numpy((x.astype(np.uint32)<<16).view(np.float32) if x.dtype==np.uint16 else x.astype(np.float32))
    js=json.loads(bytes(t[[k for k in t if 'quant_state' in k][0]]))
    code=NF4 if js['quant_type']=='nf4' else FP4
    packed,absmax=q4(x,js['blocksize'],code)
    tot+=1
    if not np.array_equal(packed.numpy(), t['w.weight'].reshape(-1)): bad+=1; print("packed differs", name)
    if 'nested_offset' in js:
        tm=absmax.mean().item()
        if np.float32(tm)!=np.float32(js['nested_offset']): offd+=1; print("torch mean differs by", (np.float32(tm).view(np.int32)-np.float32(js['nested_offset']).view(np.int32)), "ulp", name)
    elif not np.array_equal(absmax.numpy(), t['w.weight.absmax']): bad+=1; print("absmax differs", name)
print("files",tot,"packed/absmax mismatches",bad,"offset (torch mean) differs in",offd)
