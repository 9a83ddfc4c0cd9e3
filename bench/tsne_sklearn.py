#!/usr/bin/python3
"""The scikit-learn side of bench/bench_tsne.c: TSNE (Barnes-Hut) on the table bench_tsne wrote, with the
same settings, timed around fit_transform; writes the embedding for bench_tsne to score, and scores both
embeddings with sklearn.manifold.trustworthiness as a cross-check of morphogan's own trustworthiness.

    /usr/bin/python3 bench/tsne_sklearn.py X.npy OUT.npy OURS.npy DIMS PERPLEXITY ITERATIONS [INIT SEED]
prints "RESULT impl=sklearn seed=... seconds=... kl=... trust_sklearn_emb=... trust_ours_emb=..."
Thread count: OMP_NUM_THREADS / OPENBLAS_NUM_THREADS of the environment (bench_tsne sets them).
"""
import sys
import time

import numpy as np
from sklearn.manifold import TSNE, trustworthiness


def main():
    xp, outp, oursp = sys.argv[1], sys.argv[2], sys.argv[3]
    dims, perplexity, iters = int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
    init = sys.argv[7] if len(sys.argv) > 7 else "pca"
    seed = int(sys.argv[8]) if len(sys.argv) > 8 else 0
    x = np.load(xp)
    t0 = time.perf_counter()
    ts = TSNE(n_components=dims, perplexity=perplexity, n_iter=iters, init=init, learning_rate="auto",
              method="barnes_hut", angle=0.5, early_exaggeration=12.0, random_state=seed)
    y = ts.fit_transform(x)
    t = time.perf_counter() - t0
    np.save(outp, y.astype(np.float32))
    ours = np.load(oursp)
    t_s = trustworthiness(x, y, n_neighbors=10)
    t_o = trustworthiness(x, ours, n_neighbors=10)
    print(f"RESULT impl=sklearn seed={seed} seconds={t:.3f} kl={ts.kl_divergence_:.5f} iterations={ts.n_iter_ + 1} "
          f"trust_sklearn_emb={t_s:.5f} trust_ours_emb={t_o:.5f}", flush=True)


if __name__ == "__main__":
    main()
