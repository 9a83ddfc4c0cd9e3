#!/usr/bin/python3
"""The scipy side of bench/bench_fid.c: FID as pytorch-fid computes it (np.cov in float64,
scipy.linalg.sqrtm of S1 S2) on the float32 feature files bench_fid wrote.

    /usr/bin/python3 bench/fid_scipy.py X.f32 Y.f32 N D     # prints "RESULT impl=scipy seconds=... fid=..."
Thread count: OMP_NUM_THREADS / OPENBLAS_NUM_THREADS of the environment (bench_fid sets them).
"""
import sys
import time

import numpy as np
from scipy import linalg


def main():
    xp, yp, n, d = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    x = np.fromfile(xp, dtype="<f4").reshape(n, d)
    y = np.fromfile(yp, dtype="<f4").reshape(n, d)
    t0 = time.perf_counter()
    m1, m2 = x.mean(0, dtype=np.float64), y.mean(0, dtype=np.float64)
    s1, s2 = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    covmean, _ = linalg.sqrtm(s1.dot(s2), disp=False)
    covmean = covmean.real
    diff = m1 - m2
    fid = diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean)
    t = time.perf_counter() - t0
    print(f"RESULT impl=scipy seconds={t:.3f} fid={fid:.6f}", flush=True)


if __name__ == "__main__":
    main()
