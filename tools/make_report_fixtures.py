#!/usr/bin/python3
"""Writes fixtures/kde_scipy.csv, the reference that tests/test_report.c compares the report's Gaussian
kernel density estimate (src/report/kde.c) against: scipy.stats.gaussian_kde with Scott's and Silverman's
bandwidth rules (Debian's python3-scipy).

    /usr/bin/python3 tools/make_report_fixtures.py

Columns: set, role, x, scott, silverman.
    role=data       one sample value x of the set (scott, silverman empty)
    role=bandwidth  the kernel standard deviation h of each rule (x empty): sqrt(kde.covariance)
    role=grid       the density of each rule at x
Sets: "bimodal" (60 draws of a two-component Gaussian mixture, seed 7), "small" (5 values).
"""
import csv
import os

import numpy as np
from scipy.stats import gaussian_kde


def main():
    rng = np.random.default_rng(7)
    bimodal = np.concatenate([rng.normal(0.05, 0.01, 40), rng.normal(0.09, 0.02, 20)])
    sets = {"bimodal": bimodal, "small": np.array([1.0, 2.5, 2.0, 4.0, 3.1])}
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "kde_scipy.csv")
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["set", "role", "x", "scott", "silverman"])
        for name, x in sets.items():
            ks, kv = gaussian_kde(x, bw_method="scott"), gaussian_kde(x, bw_method="silverman")
            for v in x:
                w.writerow([name, "data", repr(float(v)), "", ""])
            w.writerow([name, "bandwidth", "", repr(float(np.sqrt(ks.covariance[0, 0]))),
                        repr(float(np.sqrt(kv.covariance[0, 0])))])
            lo, hi = x.min() - 3 * x.std(), x.max() + 3 * x.std()
            for g in np.linspace(lo, hi, 25):
                w.writerow([name, "grid", repr(float(g)), repr(float(ks(g)[0])), repr(float(kv(g)[0]))])
    print("wrote", os.path.normpath(out))


if __name__ == "__main__":
    main()
