#!/usr/bin/python3
"""Read a morphogan checkpoint (a safetensors file) with plain numpy - no safetensors package needed.

File layout (see src/io/checkpoint.h): u64 little-endian header length N, N bytes of JSON, data.
Tensors (float32), for each part prefix P ("G.", "D."):
    P<name>          parameter values
    P<name>.adam_m   Adam first moment   (optional)
    P<name>.adam_v   Adam second moment  (optional)
    P<name>.ema      EMA shadow          (optional)
Metadata strings: format ("morphogan-checkpoint-1"), arch (JSON), step, epoch, rng.seed,
rng.counter, parts ("G.,D."), P adam.lr / beta1 / beta2 / eps / weight_decay / step, P ema.decay.

Command line:
    python3 tools/read_checkpoint.py ckpt.safetensors               # metadata + tensor table
    python3 tools/read_checkpoint.py ckpt.safetensors --tensor G.fc.weight   # print the values

From Python / PyTorch:
    import sys; sys.path.insert(0, "tools")
    from read_checkpoint import load_weights, read_safetensors
    weights = load_weights("ckpt.safetensors", "G.")            # {"fc.weight": ndarray, ...}
    ema = load_weights("ckpt.safetensors", "G.", ema=True)      # EMA weights, when saved
    import torch
    model.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()})
(the parameter names and layouts are morphogan's: map them to your module's where they differ).
The file is also a standard safetensors file: when the `safetensors` package is installed,
safetensors.numpy.load_file(path) / safetensors.torch.load_file(path) read it too; this script
then cross-checks its own reading against the package.
"""
import json
import struct
import sys

import numpy as np

DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2",
          "I8": "i1", "U64": "<u8", "U32": "<u4", "U16": "<u2", "U8": "u1", "BOOL": "?"}
STATE_SUFFIXES = (".adam_m", ".adam_v", ".ema")


def read_safetensors(path):
    """Returns ({name: ndarray}, {metadata key: str}) for any safetensors file."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise ValueError(f"{path}: too short for a safetensors file")
    (n,) = struct.unpack("<Q", blob[:8])
    if n > len(blob) - 8:
        raise ValueError(f"{path}: header length {n} runs past the end of the file")
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = memoryview(blob)[8 + n:]
    meta = header.pop("__metadata__", {}) or {}
    tensors = {}
    for name, e in header.items():
        begin, end = e["data_offsets"]
        shape = tuple(e["shape"])
        if e["dtype"] == "BF16":   # numpy has no bfloat16: widen to float32
            u = np.frombuffer(data[begin:end], dtype="<u2").astype(np.uint32) << 16
            arr = u.view(np.float32).reshape(shape)
        else:
            arr = np.frombuffer(data[begin:end], dtype=DTYPES[e["dtype"]]).reshape(shape)
        tensors[name] = arr.copy()
    return tensors, meta


def load_weights(path, prefix="G.", ema=False):
    """The parameters stored under `prefix`, prefix stripped: values, or the EMA shadow."""
    tensors, meta = read_safetensors(path)
    if meta.get("format") != "morphogan-checkpoint-1":
        raise ValueError(f"{path}: not a morphogan checkpoint (format {meta.get('format')!r})")
    out = {}
    for name, arr in tensors.items():
        if not name.startswith(prefix) or name.endswith(STATE_SUFFIXES):
            continue
        key = name[len(prefix):]
        src = name + ".ema" if ema else name
        if src not in tensors:
            raise KeyError(f"{path}: no {src} (checkpoint saved without EMA?)")
        out[key] = tensors[src]
    return out


def cross_check(path, tensors):
    try:
        from safetensors import safe_open
    except ImportError:
        return "safetensors package not installed: cross-check skipped"
    skipped = []
    with safe_open(path, framework="np") as f:
        assert set(f.keys()) == set(tensors), "tensor names differ from the safetensors package's"
        for k in f.keys():
            try:
                v = f.get_tensor(k)
            except TypeError:       # BF16: numpy has no such dtype
                skipped.append(k)
                continue
            assert v.shape == tensors[k].shape, k
            assert np.array_equal(v.astype(np.float64), tensors[k].astype(np.float64)), k
    note = f" ({len(skipped)} BF16 tensors not comparable in numpy)" if skipped else ""
    return "safetensors package reads the same tensors" + note


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(argv) >= 2 else 2
    path = argv[1]
    tensors, meta = read_safetensors(path)
    if len(argv) >= 4 and argv[2] == "--tensor":
        print(" ".join(repr(float(x)) for x in tensors[argv[3]].ravel()))
        return 0
    for k, v in meta.items():
        print(f"{k}: {v}")
    for name, arr in tensors.items():
        print(f"{name:40s} {str(arr.dtype):8s} {str(list(arr.shape)):16s} mean {arr.astype(np.float64).mean() if arr.size else 0:+.6g}")
    print(cross_check(path, tensors))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
