#!/bin/sh
# The main job, as far as the project goes today (see README "Status"):
#  1. the embedded default data: 3000 synthetic diatoms, control vs treated, with a known effect;
#  2. outline morphometrics of every image, and the group comparison against the known truth;
#  3. the engine trained end to end: the course DCGAN on Fashion-MNIST, with samples and a checkpoint.
# Everything goes to out/demo/.  Seeded: two runs give the same numbers (same thread count).
set -e
cd "$(dirname "$0")/.."
M=./build/morphogan
OUT=out/demo
STEPS=${DEMO_STEPS:-1000}
mkdir -p $OUT
echo "== 1. synthetic diatoms (seed 1)"
$M synth -o $OUT/diatoms -n 3000 --seed 1
echo "== 2. morphometrics: measure every valve, compare treated against control"
$M morpho $OUT/diatoms -o $OUT/morpho.csv --contact-sheet $OUT/contact_sheet.png
$M morpho compare $OUT/morpho.csv --groups control,treated -o $OUT/compare.csv
echo "== 3. engine: course DCGAN on Fashion-MNIST, $STEPS steps"
$M train-course --steps "$STEPS" --snap 500 --outdir $OUT/dcgan-course --seed 0
echo "== done: $OUT (contact_sheet.png, morpho.csv, compare.csv, dcgan-course/samples_*.png)"
