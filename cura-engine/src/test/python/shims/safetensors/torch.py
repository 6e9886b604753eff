"""safetensors.torch on numpy: load_file/save_file/load/save for CPU tensors."""
import json
import struct

import numpy as np
import torch

from safetensors import read_array, read_header

_NAMES = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16",
          torch.bfloat16: "BF16", torch.int64: "I64", torch.int32: "I32", torch.int16: "I16",
          torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL"}


def _to_torch(arr, dtype_name):
    t = torch.from_numpy(np.ascontiguousarray(arr))
    return t.to(torch.bfloat16) if dtype_name == "BF16" else t


def load_file(path, device="cpu"):
    header, start = read_header(path)
    return {k: _to_torch(*read_array(path, header, start, k))
            for k in header if k != "__metadata__"}


def _bytes(t):
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:
        return (t.view(torch.int16).numpy().astype("<i2")).tobytes()
    return t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()


def save(tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name]
        b = _bytes(t)
        header[name] = {"dtype": _NAMES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    if metadata:
        header["__metadata__"] = metadata
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    return struct.pack("<Q", len(h)) + h + b"".join(blobs)


def save_file(tensors, path, metadata=None):
    with open(path, "wb") as f:
        f.write(save(tensors, metadata))


def load(data):
    import tempfile

    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        return load_file(f.name)


def storage_ptr(tensor):
    return tensor.untyped_storage().data_ptr() if hasattr(tensor, "untyped_storage") else (
        tensor.storage().data_ptr())


def storage_size(tensor):
    return tensor.nelement() * tensor.element_size()


def load_model(model, filename, strict=True, device="cpu"):
    return model.load_state_dict(load_file(filename), strict=strict)
