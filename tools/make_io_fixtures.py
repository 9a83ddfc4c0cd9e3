#!/usr/bin/python3
"""Writes the small files tests/test_safetensors.c reads, by hand (numpy + struct only), so the
C reader is checked against a writer that is not itself.

    /usr/bin/python3 tools/make_io_fixtures.py        # rewrites fixtures/tiny.safetensors (and pkg.safetensors)

fixtures/tiny.safetensors holds (values chosen so every dtype represents them exactly):
    "w"      F32  [2,3]    arange(6) * 0.5 - 1          -> -1, -0.5, 0, 0.5, 1, 1.5
    "bias"   F32  [3]      [1e-3, -2.5e7, 3.25]
    "scalar" F32  []       42.0
    "half"   F16  [5]      [1, -2, 0.5, 65504, 2^-24 (a subnormal)]
    "bf"     BF16 [2,2]    [1, -2, 3.5, 0.15625]
    "dbl"    F64  [3]      [0.1, 2.0, 1e-3]     (read as the nearest floats)
    "ints"   I64  [3]      [-3, 0, 7]
    "empty"  F32  [0,4]    no data
and metadata {"creator": "make_io_fixtures.py", "note": "héllo \\"quoted\\""}.

Tensors are laid out in a different order from the header (header order is sorted by name, data
order is as listed above) and the header is padded with spaces to 8 bytes, as the reference
implementation does.

fixtures/pkg.safetensors is written by the reference `safetensors` package itself when it is
importable (a venv with `pip install safetensors`): a = arange(6) F32 [2,3], h = [1.5, -2] F16,
d = [0.25] F64, e = F32 [0,3], s = 3.0 F32 [], metadata {"k": "v"}.
"""
import json
import os
import struct

import numpy as np

TENSORS = [
    ("w", "F32", np.arange(6, dtype=np.float32).reshape(2, 3) * np.float32(0.5) - np.float32(1)),
    ("bias", "F32", np.array([1e-3, -2.5e7, 3.25], dtype=np.float32)),
    ("scalar", "F32", np.array(42.0, dtype=np.float32)),
    ("half", "F16", np.array([1, -2, 0.5, 65504, 2.0 ** -24], dtype=np.float16)),
    ("bf", "BF16", np.array([1, -2, 3.5, 0.15625], dtype=np.float32).reshape(2, 2)),
    ("dbl", "F64", np.array([0.1, 2.0, 1e-3], dtype=np.float64)),
    ("ints", "I64", np.array([-3, 0, 7], dtype=np.int64)),
    ("empty", "F32", np.zeros((0, 4), dtype=np.float32)),
]


def raw_bytes(dtype, a):
    if dtype == "BF16":     # upper half of each float32 (values above are exact in bf16)
        return (a.astype("<f4").view("<u4") >> 16).astype("<u2").tobytes()
    return a.astype(a.dtype.newbyteorder("<")).tobytes()


def build():
    header, data = {}, b""
    for name, dtype, a in TENSORS:
        b = raw_bytes(dtype, a)
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [len(data), len(data) + len(b)]}
        data += b
    header["__metadata__"] = {"creator": "make_io_fixtures.py", "note": 'h\u00e9llo "quoted"'}
    text = json.dumps(dict(sorted(header.items())), ensure_ascii=False).encode("utf-8")
    text += b" " * (-(8 + len(text)) % 8)
    return struct.pack("<Q", len(text)) + text + data


def write_with_package(path):
    """fixtures/pkg.safetensors, written by the reference `safetensors` package when it is
    installed (pip install safetensors); otherwise the committed file is kept."""
    try:
        from safetensors.numpy import save_file
    except ImportError:
        print("safetensors package not installed: kept", os.path.normpath(path))
        return
    save_file({"a": np.arange(6, dtype=np.float32).reshape(2, 3), "h": np.array([1.5, -2], dtype=np.float16),
               "d": np.array([0.25], dtype=np.float64), "e": np.zeros((0, 3), np.float32),
               "s": np.array(3.0, np.float32)}, path, metadata={"k": "v"})
    print("wrote", os.path.normpath(path))


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")
    os.makedirs(root, exist_ok=True)
    path = os.path.join(root, "tiny.safetensors")
    with open(path, "wb") as f:
        f.write(build())
    print("wrote", os.path.normpath(path))
    write_with_package(os.path.join(root, "pkg.safetensors"))


if __name__ == "__main__":
    main()
