#!/bin/sh
# The StyleGAN2 bench network's convolutions, one by one: morphogan (build/bench/bench_conv_layers) against
# PyTorch (bench/torch_conv_layers.py) in the same run; forward and forward+backward times, GFLOP/s and the
# ratio PyTorch time / C time (> 1: C faster).  Environment: BUILD (build), THREADS (2), BATCH (32),
# REPEAT (20), PYTHON (/usr/bin/python3); OMP_WAIT_POLICY defaults to passive for both.
BUILD=${BUILD:-build}; THREADS=${THREADS:-2}; BATCH=${BATCH:-32}; REPEAT=${REPEAT:-20}; PYTHON=${PYTHON:-/usr/bin/python3}
cd "$(dirname "$0")/.." || exit 1
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
[ -x "$BUILD/bench/bench_conv_layers" ] || { echo "bench/run_conv_layers.sh: build $BUILD/bench/bench_conv_layers first (make)"; exit 1; }
c=$(mktemp); t=$(mktemp); trap 'rm -f "$c" "$t"' EXIT
"$BUILD/bench/bench_conv_layers" --repeat "$REPEAT" --batch "$BATCH" --threads "$THREADS" > "$c" || exit 1
"$PYTHON" bench/torch_conv_layers.py --repeat "$REPEAT" --batch "$BATCH" --threads "$THREADS" > "$t" || exit 1
echo "== conv layers, batch $BATCH, $THREADS threads, $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
paste -d' ' "$c" "$t" | awk -v n="$BATCH" '
  BEGIN { printf "%-22s %9s %9s %7s %9s %9s %7s %6s %6s\n", "layer", "C fwd ms", "PT fwd ms", "ratio", "C f+b ms", "PT f+b ms", "ratio", "C GF/s", "PT GF/s" }
  { ci = $2; co = $3; h = $4; k = $5; s = $6; ho = (k == 4) ? h / 2 : h
    mac = n * ho * ho * co * ci * k * k; cf = $7; cb = $8; tf = $15; tb = $16
    printf "%3d->%3d @%2d k%d s%d     %9.2f %9.2f %6.2fx %9.2f %9.2f %6.2fx %6.0f %6.0f\n", ci, co, h, k, s, cf, tf, tf / cf,
           cf + cb, tf + tb, (tf + tb) / (cf + cb), 6 * mac / (cf + cb) / 1e6, 6 * mac / (tf + tb) / 1e6
    sc += cf + cb; st += tf + tb }
  END { printf "all layers, forward + backward: C %.1f ms, PyTorch %.1f ms, PyTorch/C %.2fx\n", sc, st, st / sc }'
