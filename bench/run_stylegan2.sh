#!/bin/sh
# StyleGAN2 training step at 64x64 grey, batch 32: morphogan (build/bench/bench_stylegan2) against the
# faithful PyTorch implementation bench/torch_stylegan2.py, interleaved REPEAT times in the same run;
# prints the medians and the ratio.  Environment: BUILD (build), STEPS (16), WARMUP (2), THREADS (2),
# BATCH (32), REPEAT (3), PYTHON (/usr/bin/python3), OMP_WAIT_POLICY / GOMP_SPINCOUNT (below).
BUILD=${BUILD:-build}; STEPS=${STEPS:-16}; WARMUP=${WARMUP:-2}; THREADS=${THREADS:-2}; BATCH=${BATCH:-32}
REPEAT=${REPEAT:-3}; PYTHON=${PYTHON:-/usr/bin/python3}
cd "$(dirname "$0")/.." || exit 1
# Waiting policy, the same for both programs (both use libgomp): by default libgomp's own (spin 300000
# iterations, then sleep), set explicitly because the morphogan CLI re-executes itself with its own default (GOMP_SPINCOUNT=30000)
# when neither variable is set; OMP_WAIT_POLICY=passive or another GOMP_SPINCOUNT to compare (session 8).
[ -n "$OMP_WAIT_POLICY" ] || [ -n "$GOMP_SPINCOUNT" ] || export GOMP_SPINCOUNT=300000
[ -x "$BUILD/bench/bench_stylegan2" ] || { echo "bench/run_stylegan2.sh: build $BUILD/bench/bench_stylegan2 first (make)"; exit 1; }
res=$(mktemp); trap 'rm -f "$res"' EXIT
echo "== stylegan2 step, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), repeat $REPEAT, OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-unset} GOMP_SPINCOUNT=${GOMP_SPINCOUNT:-unset}"
r=1
while [ "$r" -le "$REPEAT" ]; do
  "$BUILD/bench/bench_stylegan2" --steps "$STEPS" --warmup "$WARMUP" --threads "$THREADS" --batch "$BATCH" | tee -a "$res" | grep -v '^RESULT' || exit 1
  "$PYTHON" bench/torch_stylegan2.py --steps "$STEPS" --warmup "$WARMUP" --threads "$THREADS" --batch "$BATCH" | tee -a "$res" | grep -v '^RESULT' || exit 1
  r=$((r + 1))
done
grep '^RESULT' "$res" | awk '
  function median(s,   n, i, j, t, v) { n = split(s, v, " ")
    for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] + 0 > t + 0; j--) v[j + 1] = v[j]; v[j + 1] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
  { for (i = 2; i <= NF; i++) { split($i, p, "="); kv[p[1]] = p[2] }
    sps[kv["impl"]] = sps[kv["impl"]] " " kv["steps_per_s"]; rss[kv["impl"]] = rss[kv["impl"]] " " kv["peak_rss_mb"] }
  END { c = median(sps["morphogan"]); t = median(sps["torch"])
        printf "stylegan2 64x64 batch '"$BATCH"': C %.4f steps/s, PyTorch %.4f steps/s, C/PyTorch %.2fx; peak RSS C %.0f MB, PyTorch %.0f MB (medians)\n",
               c, t, c / t, median(rss["morphogan"]), median(rss["torch"]) }'
