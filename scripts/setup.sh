#!/usr/bin/env bash
# One-time (and idempotent) set-up of a clone on Debian/Ubuntu: installs what is missing
# (LibTorch unless LIBTORCH/Torch_DIR points at one, OpenBLAS so matrix products do not run on
# the reference BLAS, cmake and g++), then `npm ci`, which builds the addon and the TypeScript,
# then the addon once more against PyTorch's wheel (scripts/torch-wheel.sh; TORCH_WHEEL=none skips).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
if [ -z "${LIBTORCH:-}" ] && [ -z "${Torch_DIR:-}" ]; then
  have_pkg libtorch-dev || missing+=(libtorch-dev)
fi
have_pkg libopenblas0-pthread || missing+=(libopenblas0-pthread)
# Gloo's headers: c10d's ProcessGroupGloo.hpp includes them (sg.distributed's 'gloo' backend);
# neither Debian's libtorch-dev nor PyTorch's wheel ships them. Both builds compile against these.
have_pkg libgloo-dev || missing+=(libgloo-dev)
# PyTorch itself, for the interop tests and the benchmark's comparison (both skip without it).
have_pkg python3-torch || missing+=(python3-torch)
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v ninja >/dev/null 2>&1 || missing+=(ninja-build)
# Headless Chromium for the run report's browser test (test/report/html-report.test.ts).
have_pkg chromium || command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# The virtual environment of PyTorch's wheel (below); pyenv's and most other Pythons have it.
wheel="${TORCH_WHEEL:-2.15}"
case "$wheel" in 0 | no | off) wheel=none ;; esac
if [ "$wheel" != none ] && ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
  missing+=(python3-venv)
fi

if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "sg-optim setup: please install ${missing[*]} (no apt-get here)" >&2
    exit 1
  fi
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "sg-optim setup: installing ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm ci runs our own install script (cmake-js compile; incremental when build/ exists) and
# prepare (tsc). Reuse node_modules when it already matches the lock file.
if [ -f node_modules/.package-lock.json ] && cmp -s package-lock.json .setup-lock-stamp 2>/dev/null; then
  npm run --silent build
else
  npm ci --no-audit --no-fund
  cp package-lock.json .setup-lock-stamp
fi

# LibTorch 2.x from PyTorch's own wheel, built beside the default (scripts/torch-wheel.sh), so
# that npm test runs the suite on both: about 3 GB and 5 minutes the first time, seconds after.
# TORCH_WHEEL=none skips it; TORCH_WHEEL=2.16 takes another release.
if [ "$wheel" = none ] && [ "${1:-}" != "--torch-wheel" ]; then
  echo "sg-optim setup: TORCH_WHEEL=none, not building against PyTorch's wheel"
else
  bash scripts/torch-wheel.sh "${wheel/none/2.15}" >/dev/null
fi
