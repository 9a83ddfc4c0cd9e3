#!/bin/sh
# Course DCGAN on Fashion-MNIST: morphogan (build/bench/bench_dcgan) against PyTorch
# (bench/torch_dcgan.py, Debian's /usr/bin/python3) in the same run, both losses, batch 128, 2 threads.
# Each (C, PyTorch) pair runs REPEAT times, interleaved, so that both see the same machine; the table
# gives the medians, the ratio of the medians C/PyTorch for steps/s and peak RSS, and the range.
# Environment: BUILD (build), STEPS (40), WARMUP (5), THREADS (2), BATCH (128), REPEAT (3),
# PYTHON (/usr/bin/python3).  OMP_WAIT_POLICY applies to both programs (both use libgomp); it defaults to
# passive, the policy the morphogan CLI uses, and with which PyTorch reaches its published figures here
# (spin-waiting slows both on 2-vCPU machines, PyTorch most: see BENCHMARKS.md).
BUILD=${BUILD:-build}; STEPS=${STEPS:-40}; WARMUP=${WARMUP:-5}; THREADS=${THREADS:-2}; BATCH=${BATCH:-128}
REPEAT=${REPEAT:-3}; PYTHON=${PYTHON:-/usr/bin/python3}
cd "$(dirname "$0")/.." || exit 1
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
[ -x "$BUILD/bench/bench_dcgan" ] || { echo "bench/run.sh: build $BUILD/bench/bench_dcgan first (make)"; exit 1; }
res=$(mktemp); trap 'rm -f "$res"' EXIT
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), " \
     "load average $(cut -d' ' -f1-3 /proc/loadavg), OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-unset}, repeat $REPEAT"
for loss in bce wgan-gp; do
  r=1
  while [ "$r" -le "$REPEAT" ]; do
    echo "-- $loss, repeat $r, load average $(cut -d' ' -f1 /proc/loadavg) (C's sgemm figure below also shows contention: ~200 GFLOP/s when quiet)"
    "$BUILD/bench/bench_dcgan" --loss "$loss" --steps "$STEPS" --warmup "$WARMUP" --threads "$THREADS" --batch "$BATCH" \
      | tee -a "$res" | grep -v '^RESULT' || exit 1
    "$PYTHON" bench/torch_dcgan.py --loss "$loss" --steps "$STEPS" --warmup "$WARMUP" --threads "$THREADS" --batch "$BATCH" \
      | tee -a "$res" | grep -v '^RESULT' || exit 1
    r=$((r + 1))
  done
done
echo
grep '^RESULT' "$res" | awk '
  function median(key,   n, i, j, t, v) {   # median of the space-separated list vals[key]
    n = split(vals[key], v, " ")
    for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] + 0 > t + 0; j--) v[j + 1] = v[j]; v[j + 1] = t }
    lo[key] = v[1]; hi[key] = v[n]
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
  { delete kv; for (i = 2; i <= NF; i++) { split($i, p, "="); kv[p[1]] = p[2] }
    k = kv["impl"] SUBSEP kv["loss"]
    vals["sps" SUBSEP k] = vals["sps" SUBSEP k] " " kv["steps_per_s"]
    vals["rss" SUBSEP k] = vals["rss" SUBSEP k] " " kv["peak_rss_mb"]
    if (kv["impl"] == "morphogan") { vals["sg" SUBSEP kv["loss"]] = vals["sg" SUBSEP kv["loss"]] " " kv["sgemm_gflops"]
                                     vals["mg" SUBSEP kv["loss"]] = vals["mg" SUBSEP kv["loss"]] " " kv["model_gflops"] } }
  END {
    printf "%-8s %16s %16s %8s %9s %9s %6s %9s %9s\n", "loss", "C steps/s", "torch steps/s", "C/torch",
           "C RSS MB", "torch RSS", "ratio", "sgemm GF", "C %sgemm"
    n = split("bce wgan-gp", L, " ")
    for (j = 1; j <= n; j++) { l = L[j]; c = "morphogan" SUBSEP l; t = "torch" SUBSEP l
      if (vals["sps" SUBSEP c] == "" || vals["sps" SUBSEP t] == "") continue
      cs = median("sps" SUBSEP c); ts = median("sps" SUBSEP t); cr = median("rss" SUBSEP c); tr = median("rss" SUBSEP t)
      sg = median("sg" SUBSEP l); mg = median("mg" SUBSEP l)
      printf "%-8s %5.2f [%4.1f-%4.1f] %5.2f [%4.1f-%4.1f] %7.2fx %9.0f %9.0f %5.2fx %9.1f %8.1f%%\n", l,
             cs, lo["sps" SUBSEP c], hi["sps" SUBSEP c], ts, lo["sps" SUBSEP t], hi["sps" SUBSEP t], cs / ts, cr, tr, cr / tr,
             sg, 100 * mg / sg } 
    print "(medians over the repeats, [min-max] of steps/s; C %sgemm = median model GFLOP/s / median sgemm GFLOP/s)" }'
