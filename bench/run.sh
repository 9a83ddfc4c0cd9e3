#!/bin/sh
# Course DCGAN on Fashion-MNIST: morphogan (build/bench/bench_dcgan) against PyTorch
# (bench/torch_dcgan.py, Debian's /usr/bin/python3) in the same run, both losses, batch 128, 2 threads.
# Each (C, PyTorch) pair runs REPEAT times, interleaved, so that both see the same machine; the table
# gives the medians, the ratio of the medians C/PyTorch for steps/s and peak RSS, and the range.
# With CLI=1 (default) each pair becomes a triple: the same training through the real command,
#   morphogan train --cfg dcgan-course --loss L --batch 128 --n-critic 1 --fresh-z 0 --init torch --max-images 20000
# (one D update + one G update on the same fake per step, as the peer; 20,000 images, as the peer), run for
# WARMUP + STEPS steps.  Its speed is read from the run's log.csv, whose last column is the wall-clock
# seconds since the training loop started (after process start, data loading and model set-up):
#   steps/s = STEPS / (seconds at step WARMUP+STEPS - seconds at step WARMUP)
# so process start, data loading and the WARMUP first (allocating) steps are excluded, as the peer excludes
# its start, data loading and warm-up steps; the per-step CSV row and progress line are included (they are part
# of the command); the final snapshot is written after the last row and is excluded.  A second table gives the
# command's medians against the same PyTorch runs.
# Environment: BUILD (build), STEPS (40), WARMUP (5), THREADS (2), BATCH (128), REPEAT (3), CLI (1),
# PYTHON (/usr/bin/python3), OMP_WAIT_POLICY / GOMP_SPINCOUNT (below).  Until session 8 the default was
# passive waiting for both, which on a quiet machine slows PyTorch 1.8x and morphogan 1.15x (BENCHMARKS.md).
BUILD=${BUILD:-build}; STEPS=${STEPS:-40}; WARMUP=${WARMUP:-5}; THREADS=${THREADS:-2}; BATCH=${BATCH:-128}
REPEAT=${REPEAT:-3}; PYTHON=${PYTHON:-/usr/bin/python3}; CLI=${CLI:-1}
cd "$(dirname "$0")/.." || exit 1
# Waiting policy, the same for both programs (both use libgomp): by default libgomp's own (spin 300000
# iterations, then sleep), set explicitly because the morphogan CLI re-executes itself with its own default (GOMP_SPINCOUNT=30000)
# when neither variable is set; OMP_WAIT_POLICY=passive or another GOMP_SPINCOUNT to compare (session 8).
[ -n "$OMP_WAIT_POLICY" ] || [ -n "$GOMP_SPINCOUNT" ] || export GOMP_SPINCOUNT=300000
[ -x "$BUILD/bench/bench_dcgan" ] || { echo "bench/run.sh: build $BUILD/bench/bench_dcgan first (make)"; exit 1; }
[ "$CLI" = 0 ] || [ -x "$BUILD/morphogan" ] || { echo "bench/run.sh: build $BUILD/morphogan first (make), or CLI=0"; exit 1; }
res=$(mktemp); runs=$(mktemp -d); trap 'rm -rf "$res" "$runs"' EXIT

# morphogan train for WARMUP+STEPS steps; prints its steps/s over the last STEPS steps and a RESULT line
cli_train() {
  out="$runs/$1.$2"
  "$BUILD/morphogan" train --cfg dcgan-course --loss "$1" --n-critic 1 --fresh-z 0 --init torch --max-images 20000 \
    --batch "$BATCH" --steps $((WARMUP + STEPS)) --snap 1000000 --seed 0 --threads "$THREADS" --outdir "$out" \
    > "$out.txt" 2>&1 || { cat "$out.txt"; echo "bench/run.sh: morphogan train failed"; return 1; }
  awk -F, -v w="$WARMUP" -v n="$STEPS" -v loss="$1" -v b="$BATCH" '
    $1 == w { t0 = $NF } $1 == w + n { t1 = $NF }
    END { if (t1 <= t0) { print "bench/run.sh: log.csv has no steps " w " and " w + n; exit 1 }
          s = n / (t1 - t0)
          printf "morphogan train loss=%s batch=%d: %.2f steps/s, %.0f images/s (steps %d-%d of log.csv, %.3f s)\n",
                 loss, b, s, s * b, w + 1, w + n, t1 - t0
          printf "RESULT impl=cli loss=%s steps_per_s=%.3f images_per_s=%.1f\n", loss, s, s * b }' "$out/log.csv"
}
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), " \
     "load average $(cut -d' ' -f1-3 /proc/loadavg), OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-unset}, GOMP_SPINCOUNT=${GOMP_SPINCOUNT:-unset}, repeat $REPEAT"
for loss in bce wgan-gp; do
  r=1
  while [ "$r" -le "$REPEAT" ]; do
    echo "-- $loss, repeat $r, load average $(cut -d' ' -f1 /proc/loadavg) (C's sgemm figure below also shows contention: it drops when another process runs)"
    "$BUILD/bench/bench_dcgan" --loss "$loss" --steps "$STEPS" --warmup "$WARMUP" --threads "$THREADS" --batch "$BATCH" \
      | tee -a "$res" | grep -v '^RESULT' || exit 1
    "$PYTHON" bench/torch_dcgan.py --loss "$loss" --steps "$STEPS" --warmup "$WARMUP" --threads "$THREADS" --batch "$BATCH" \
      | tee -a "$res" | grep -v '^RESULT' || exit 1
    if [ "$CLI" != 0 ]; then cli_train "$loss" "$r" | tee -a "$res" | grep -v '^RESULT'; fi
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
    if (kv["impl"] == "cli") next
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
    print "(medians over the repeats, [min-max] of steps/s; C %sgemm = median model GFLOP/s / median sgemm GFLOP/s)"
    hdr = 0
    for (j = 1; j <= n; j++) { l = L[j]; c = "cli" SUBSEP l; t = "torch" SUBSEP l
      if (vals["sps" SUBSEP c] == "" || vals["sps" SUBSEP t] == "") continue
      if (!hdr) { printf "\nthrough the command (morphogan train, log.csv seconds, warm-up excluded):\n%-8s %16s %16s %8s\n",
                         "loss", "train steps/s", "torch steps/s", "ratio"; hdr = 1 }
      cs = median("sps" SUBSEP c); ts = median("sps" SUBSEP t)
      printf "%-8s %5.2f [%4.1f-%4.1f] %5.2f [%4.1f-%4.1f] %7.2fx\n", l, cs, lo["sps" SUBSEP c], hi["sps" SUBSEP c], ts,
             lo["sps" SUBSEP t], hi["sps" SUBSEP t], cs / ts } }'
