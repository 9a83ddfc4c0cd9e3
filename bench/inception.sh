#!/bin/sh
# Inception-v3 feature extraction, morphogan (build/bench/bench_inception) against torchvision
# (bench/torch_inception.py, Debian's /usr/bin/python3 with python3-torchvision) in the same run: 299x299 inputs,
# batch 8, 2 threads, no gradients; the same random weights (torch_inception.py writes them, converted by
# tools/convert_inception.py, and bench_inception.c loads that file).  Each (torch, C) pair runs REPEAT times,
# interleaved; the last line gives the medians of the ms per image and their ratio.
# Environment: BUILD (build), THREADS (2), BATCH (8), REPS (3, batches timed per program run), REPEAT (3),
# PYTHON (/usr/bin/python3), OMP_WAIT_POLICY (passive, as the morphogan CLI; applies to both).
BUILD=${BUILD:-build}; THREADS=${THREADS:-2}; BATCH=${BATCH:-8}; REPS=${REPS:-3}; REPEAT=${REPEAT:-3}
PYTHON=${PYTHON:-/usr/bin/python3}
cd "$(dirname "$0")/.." || exit 1
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
[ -x "$BUILD/bench/bench_inception" ] || { echo "bench/inception.sh: build $BUILD/bench/bench_inception first (make)"; exit 1; }
"$PYTHON" -c 'import torchvision' 2>/dev/null || { echo "bench/inception.sh: needs python3-torchvision"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), " \
     "load average $(cut -d' ' -f1-3 /proc/loadavg), OMP_WAIT_POLICY=$OMP_WAIT_POLICY, batch $BATCH, $THREADS threads, repeat $REPEAT"
r=1
while [ "$r" -le "$REPEAT" ]; do
  echo "-- repeat $r, load average $(cut -d' ' -f1 /proc/loadavg)"
  "$PYTHON" bench/torch_inception.py --weights "$tmp/inception.safetensors" --threads "$THREADS" --batch "$BATCH" --reps "$REPS" \
    | tee -a "$tmp/res" | grep -v '^RESULT' || exit 1
  "$BUILD/bench/bench_inception" --net "$tmp/inception.safetensors" --threads "$THREADS" --batch "$BATCH" --reps "$REPS" \
    | tee -a "$tmp/res" | grep -v '^RESULT' || exit 1
  r=$((r + 1))
done
grep '^RESULT' "$tmp/res" | awk '
  function median(s,   n, v, i, j, t) { n = split(s, v, " ")
    for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] + 0 > t + 0; j--) v[j + 1] = v[j]; v[j + 1] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
  { for (i = 2; i <= NF; i++) { split($i, p, "="); kv[p[1]] = p[2] }
    ms[kv["impl"]] = ms[kv["impl"]] " " kv["ms_per_image"]; rss[kv["impl"]] = rss[kv["impl"]] " " kv["peak_rss_mb"] }
  END { c = median(ms["morphogan"]); t = median(ms["torch"])
        printf "median ms per image: morphogan %.1f, torch %.1f; morphogan / torch time %.2fx (speed %.2fx); peak RSS MB %s vs %s\n",
               c, t, c / t, t / c, median(rss["morphogan"]), median(rss["torch"]) }'
