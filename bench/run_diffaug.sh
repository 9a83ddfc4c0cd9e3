#!/bin/sh
# The differentiable augmentation alone: morphogan (build/bench/bench_diffaug) against PyTorch
# (bench/torch_diffaug.py) in the same run, interleaved REPEAT times; prints the medians and C/torch.
# Environment: BUILD (build), BATCH (32), CHANNELS (3), SIZE (64), REPS (200), THREADS (2), REPEAT (3),
# PYTHON (/usr/bin/python3); OMP_WAIT_POLICY defaults to passive as in bench/run.sh.
BUILD=${BUILD:-build}; BATCH=${BATCH:-32}; CHANNELS=${CHANNELS:-3}; SIZE=${SIZE:-64}; REPS=${REPS:-200}
THREADS=${THREADS:-2}; REPEAT=${REPEAT:-3}; PYTHON=${PYTHON:-/usr/bin/python3}
cd "$(dirname "$0")/.." || exit 1
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
[ -x "$BUILD/bench/bench_diffaug" ] || { echo "bench/run_diffaug.sh: build $BUILD/bench/bench_diffaug first (make)"; exit 1; }
res=$(mktemp); trap 'rm -f "$res"' EXIT
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), repeat $REPEAT"
args="--batch $BATCH --channels $CHANNELS --size $SIZE --reps $REPS --threads $THREADS"
r=1
while [ "$r" -le "$REPEAT" ]; do
  "$BUILD/bench/bench_diffaug" $args | tee -a "$res" | grep -v '^RESULT' || exit 1
  "$PYTHON" bench/torch_diffaug.py $args | tee -a "$res" | grep -v '^RESULT' || exit 1
  r=$((r + 1))
done
grep '^RESULT' "$res" | awk '
  { split($2, i, "="); split($3, m, "="); split($4, b, "="); v[i[2]] = v[i[2]] " " m[2]; bv[i[2]] = bv[i[2]] " " b[2] }
  function median(s,   n, a, i, j, t) { n = split(s, a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  END { c = median(v["morphogan"]); t = median(v["torch"]); cb = median(bv["morphogan"]); tb = median(bv["torch"])
        printf "ms per forward+backward, median of the means: morphogan %.3f, torch %.3f, speed C/torch %.2fx\n", c, t, t / c
        printf "ms per forward+backward, median of the bests: morphogan %.3f, torch %.3f, speed C/torch %.2fx\n", cb, tb, tb / cb }'
