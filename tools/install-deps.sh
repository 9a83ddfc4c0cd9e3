#!/bin/sh
# Installs the Debian 12 packages morphogan builds, tests and benchmarks with (run as root).
# Quiet when everything is already there.
set -e
PKGS="build-essential libopenblas-openmp-dev liblapack-dev libpng-dev libjpeg62-turbo-dev libtiff-dev zlib1g-dev libcjson-dev liblinear-dev
      python3 python3-numpy python3-torch python3-scipy python3-sklearn python3-pil python3-torchvision dataset-fashion-mnist chromium librsvg2-dev"
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
