#!/bin/sh
# The main job, as far as the project goes today (see README "Status"):
#  1. the embedded default data: 3000 synthetic diatoms, control vs treated, with a known effect;
#  2. outline morphometrics of every image, and the group comparison against the known truth;
#  3. the engine trained end to end: the course DCGAN on Fashion-MNIST (5 D updates per G update, the
#     setting that does not collapse: docs/train.md), with sample grids, logs and a checkpoint.
# Everything goes to out/demo/.  Seeded: two runs give the same numbers (same thread count).
set -e
cd "$(dirname "$0")/.."
M=./build/morphogan
OUT=out/demo
STEPS=${DEMO_STEPS:-1500}
mkdir -p $OUT
echo "== 1. synthetic diatoms (seed 1)"
$M synth -o $OUT/diatoms -n 3000 --seed 1
echo "== 2. morphometrics: measure every valve, compare treated against control"
$M morpho $OUT/diatoms -o $OUT/morpho.csv --contact-sheet $OUT/contact_sheet.png
$M morpho compare $OUT/morpho.csv --groups control,treated -o $OUT/compare.csv
echo "== 3. engine: course DCGAN on Fashion-MNIST, $STEPS steps of 5 D + 1 G updates, batch 64"
$M train --outdir $OUT/dcgan-course --cfg dcgan-course --n-critic 5 --batch 64 --steps "$STEPS" --snap 500 --seed 0
echo "== done: $OUT (contact_sheet.png, morpho.csv, compare.csv, dcgan-course/samples_*.png, snapshots.csv)"
