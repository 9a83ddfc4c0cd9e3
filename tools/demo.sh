#!/bin/sh
# The main job: `morphogan demo` (the whole study on the embedded synthetic diatoms) into out/demo/.
# Environment: DEMO_OUT (out/demo), DEMO_KIMG (StyleGAN2 training length, thousands of images),
# DEMO_ENCODER_STEPS, DEMO_THREADS (2).  Seeded: two runs with the same thread count give the same numbers.
set -e
cd "$(dirname "$0")/.."
exec ./build/morphogan demo --outdir "${DEMO_OUT:-out/demo}" ${DEMO_KIMG:+--kimg "$DEMO_KIMG"} \
     ${DEMO_ENCODER_STEPS:+--encoder-steps "$DEMO_ENCODER_STEPS"} --threads "${DEMO_THREADS:-2}"
