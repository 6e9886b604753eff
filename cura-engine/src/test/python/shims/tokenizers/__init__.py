"""Placeholder for the compiled `tokenizers` package: transformers imports names from it at module
level, the oracle never tokenizes (it feeds token ids). Any use raises."""
import sys
import types

__version__ = "0.19.1"


class _Unavailable:
    def __init__(self, *args, **kwargs):
        raise RuntimeError("tokenizers is a placeholder in the CURA oracle: feed token ids")


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return _Unavailable


for _sub in ("models", "decoders", "normalizers", "pre_tokenizers", "processors", "trainers"):
    _m = types.ModuleType(__name__ + "." + _sub)
    _m.__getattr__ = __getattr__
    sys.modules[_m.__name__] = _m
    globals()[_sub] = _m
