#!/usr/bin/python3
"""Writes fixtures/metrics.safetensors, the reference values tests/test_metrics.c compares against,
computed with numpy and scipy (Debian's python3-numpy, python3-scipy) by the usual formulas:

    /usr/bin/python3 tools/make_metric_fixtures.py

Tensors (features F32, references F64 [1]):
    x, y        F32 [200,16]  two correlated Gaussian sets with different means and covariances
    fid         scipy.linalg.sqrtm formula of pytorch-fid: |mu1-mu2|^2 + tr S1 + tr S2 - 2 tr sqrtm(S1 S2)
    kid_full    unbiased MMD^2, kernel (x.y/d + 1)^3, on the whole sets (a single "subset" of all rows:
                no random draw, so the C result must match exactly up to round-off)
    precision, recall   Kynkaanniemi et al., k = 3, brute force
    xs, ys      F32 [40,48]   fewer rows than dimensions: singular covariances
    fid_singular          the scipy formula on xs, ys
    logits      F32 [120,10]  class logits; is_mean, is_std: Inception Score of softmax(logits), 4 splits
The safetensors file is written by hand (header JSON + little-endian data), as tools/make_io_fixtures.py.
"""
import json
import os
import struct

import numpy as np
from scipy import linalg


def fid(a, b):
    m1, m2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean, _ = linalg.sqrtm(s1.dot(s2), disp=False)
    covmean = covmean.real
    d = m1 - m2
    return d.dot(d) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean)


def kid_full(a, b):
    d = a.shape[1]
    k = lambda p, q: (p @ q.T / d + 1) ** 3
    m = a.shape[0]
    kxx, kyy, kxy = k(a, a), k(b, b), k(a, b)
    return ((kxx.sum() - np.trace(kxx)) + (kyy.sum() - np.trace(kyy))) / (m * (m - 1)) - 2 * kxy.mean()


def radii(a, k):
    d = np.sqrt(((a[:, None, :] - a[None, :, :]) ** 2).sum(-1))
    return np.sort(d, axis=1)[:, k]         # column 0 is the point itself


def coverage(q, p, r):
    d = np.sqrt(((q[:, None, :] - p[None, :, :]) ** 2).sum(-1))
    return float((d <= r[None, :]).any(axis=1).mean())


def inception(logits, splits):
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    n = p.shape[0]
    scores = []
    for i in range(splits):
        part = p[i * n // splits:(i + 1) * n // splits]
        py = part.mean(0, keepdims=True)
        scores.append(np.exp((part * (np.log(part) - np.log(py))).sum(1).mean()))
    return np.mean(scores), np.std(scores)


def main():
    rng = np.random.default_rng(5)
    x = (rng.standard_normal((200, 16)) @ rng.standard_normal((16, 16)) * 0.5 + 1.0).astype(np.float32)
    y = (rng.standard_normal((200, 16)) @ rng.standard_normal((16, 16)) * 0.4 + 0.5).astype(np.float32)
    xs = rng.standard_normal((40, 48)).astype(np.float32)
    ys = (rng.standard_normal((40, 48)) * 1.5 + 0.2).astype(np.float32)
    logits = (rng.standard_normal((120, 10)) * 3).astype(np.float32)
    xd, yd = x.astype(np.float64), y.astype(np.float64)
    ism, iss = inception(logits.astype(np.float64), 4)
    tensors = [
        ("x", "F32", x), ("y", "F32", y), ("xs", "F32", xs), ("ys", "F32", ys), ("logits", "F32", logits),
        ("fid", "F64", np.array([fid(xd, yd)])),
        ("fid_singular", "F64", np.array([fid(xs.astype(np.float64), ys.astype(np.float64))])),
        ("kid_full", "F64", np.array([kid_full(xd, yd)])),
        ("precision", "F64", np.array([coverage(yd, xd, radii(xd, 3))])),
        ("recall", "F64", np.array([coverage(xd, yd, radii(yd, 3))])),
        ("is_mean", "F64", np.array([ism])), ("is_std", "F64", np.array([iss])),
    ]
    header, blobs, off = {}, [], 0
    for name, dt, a in tensors:
        b = np.ascontiguousarray(a).astype("<f4" if dt == "F32" else "<f8").tobytes()
        header[name] = {"dtype": dt, "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    header["__metadata__"] = {"creator": "tools/make_metric_fixtures.py"}
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "metrics.safetensors")
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
    for name, dt, a in tensors:
        if dt == "F64":
            print(f"{name} = {a[0]:.10g}")


if __name__ == "__main__":
    main()
