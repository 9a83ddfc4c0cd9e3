#!/bin/sh
# Course DCGAN on Fashion-MNIST: morphogan (build/bench/bench_dcgan) against PyTorch
# (bench/torch_dcgan.py, Debian's /usr/bin/python3) in the same run, both losses, batch 128, 2 threads.
# Prints each program's lines, then a table with the ratios C/PyTorch of steps/s and of peak RSS.
# Environment: BUILD (build), STEPS (40), WARMUP (5), THREADS (2), BATCH (128), PYTHON (/usr/bin/python3).
BUILD=${BUILD:-build}; STEPS=${STEPS:-40}; WARMUP=${WARMUP:-5}; THREADS=${THREADS:-2}; BATCH=${BATCH:-128}
PYTHON=${PYTHON:-/usr/bin/python3}
cd "$(dirname "$0")/.." || exit 1
[ -x "$BUILD/bench/bench_dcgan" ] || { echo "bench/run.sh: build $BUILD/bench/bench_dcgan first (make)"; exit 1; }
res=$(mktemp); trap 'rm -f "$res"' EXIT
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for loss in bce wgan-gp; do
  "$BUILD/bench/bench_dcgan" --loss "$loss" --steps "$STEPS" --warmup "$WARMUP" --threads "$THREADS" --batch "$BATCH" \
    | tee -a "$res" | grep -v '^RESULT' || exit 1
  "$PYTHON" bench/torch_dcgan.py --loss "$loss" --steps "$STEPS" --warmup "$WARMUP" --threads "$THREADS" --batch "$BATCH" \
    | tee -a "$res" | grep -v '^RESULT' || exit 1
done
echo
grep '^RESULT' "$res" | awk '
  { delete kv; for (i = 2; i <= NF; i++) { split($i, p, "="); kv[p[1]] = p[2] }
    l = kv["loss"]; im = kv["impl"]; sps[im, l] = kv["steps_per_s"]; rss[im, l] = kv["peak_rss_mb"]
    rss0[im, l] = kv["rss_before_mb"]; if (im == "morphogan") { sg[l] = kv["sgemm_gflops"]; mg[l] = kv["model_gflops"] } }
  END {
    printf "%-8s %12s %12s %8s %12s %12s %10s %10s %9s\n", "loss", "C steps/s", "torch st/s", "C/torch",
           "C RSS MB", "torch RSS MB", "RSS ratio", "sgemm GF", "C %sgemm"
    n = split("bce wgan-gp", L, " ")
    for (j = 1; j <= n; j++) { l = L[j]; if (sps["torch", l] == "" || sps["morphogan", l] == "") continue
      printf "%-8s %12.2f %12.2f %7.2fx %12.0f %12.0f %9.2fx %10.1f %8.1f%%\n", l, sps["morphogan", l], sps["torch", l],
             sps["morphogan", l] / sps["torch", l], rss["morphogan", l], rss["torch", l], rss["morphogan", l] / rss["torch", l],
             sg[l], 100 * mg[l] / sg[l] }
    printf "(RSS before the first step: C %s / %s MB, torch %s / %s MB for bce / wgan-gp)\n",
           rss0["morphogan", "bce"], rss0["morphogan", "wgan-gp"], rss0["torch", "bce"], rss0["torch", "wgan-gp"] }'
