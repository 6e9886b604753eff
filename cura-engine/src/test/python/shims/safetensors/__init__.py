"""A numpy stand-in for the compiled `safetensors` package, enough for transformers and PEFT.

Format (safetensors spec): 8-byte little-endian header length N, N bytes of JSON
{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}, then the data.
"""
import json
import struct

import numpy as np

__version__ = "0.4.3"


class SafetensorError(Exception):
    pass

_NP = {"F64": np.float64, "F32": np.float32, "F16": np.float16, "I64": np.int64,
       "I32": np.int32, "I16": np.int16, "I8": np.int8, "U8": np.uint8, "BOOL": np.bool_}


def read_header(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    return header, 8 + n


def read_array(path, header, start, name):
    """Returns (numpy array, dtype name); BF16 comes back as float32 values."""
    info = header[name]
    begin, end = info["data_offsets"]
    with open(path, "rb") as f:
        f.seek(start + begin)
        raw = f.read(end - begin)
    dt = info["dtype"]
    if dt == "BF16":
        bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
        arr = bits.view(np.float32)
    else:
        arr = np.frombuffer(raw, dtype=np.dtype(_NP[dt]).newbyteorder("<")).copy()
    return arr.reshape(info["shape"]), dt


class safe_open:  # noqa: N801 (the real package's name)
    def __init__(self, path, framework="pt", device="cpu"):
        self.path = path
        self.header, self.start = read_header(path)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def metadata(self):
        return self.header.get("__metadata__")

    def keys(self):
        return [k for k in self.header if k != "__metadata__"]

    def get_tensor(self, name):
        from safetensors.torch import _to_torch

        return _to_torch(*read_array(self.path, self.header, self.start, name))

    def get_slice(self, name):
        return _Slice(self, name)


class _Slice:
    """What safe_open.get_slice returns: dtype and shape without reading, indexing reads."""

    def __init__(self, f, name):
        self.f, self.name = f, name

    def get_dtype(self):
        return self.f.header[self.name]["dtype"]

    def get_shape(self):
        return list(self.f.header[self.name]["shape"])

    def __getitem__(self, index):
        return self.f.get_tensor(self.name)[index]
