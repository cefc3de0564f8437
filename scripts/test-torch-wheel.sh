#!/usr/bin/env bash
# The test suite once more, against the addon built on PyTorch's wheel (LibTorch 2.15 with CUDA,
# run on the CPU) by scripts/torch-wheel.sh; npm test runs it after the default suite. Skips with
# a message when that build does not exist (setup.sh makes it unless TORCH_WHEEL=none). Brings
# the build up to date first (seconds when nothing changed).
set -euo pipefail
cd "$(dirname "$0")/.."

version="${TORCH_WHEEL:-2.15}"
binary="$PWD/build-torch${version}/Release/sg_optim.node"
if [ ! -f "$binary" ] || [ ! -x .venv-torch/bin/python ]; then
  echo "test-torch-wheel: no build against PyTorch's wheel ($binary); skipped (bash scripts/torch-wheel.sh makes one)"
  exit 0
fi
if ! log="$(bash scripts/torch-wheel.sh "$version" 2>&1 >/dev/null)"; then
  echo "$log" >&2
  exit 1
fi

# Nothing is left out. Where the wheel's MKL sqrt (not correctly rounded) moves a result, the
# tests say so themselves: Lamb replays SuperGradients' Lamb run on this PyTorch, and the
# fused-vs-reference float32 comparison allows that ulp (test/optim/fused.test.ts).
# MKL picks its sqrt by the CPU (AVX-512 hosts round differently from AVX2 ones), so SG's Lamb
# numbers on 2.15 depend on the machine: they are made here, on this machine, once per build
# (6 s; golden_sg_lamb_torch2.py downloads SG's wheel from PyPI), and the committed
# test/optim/golden/torch2/Lamb.json is used only when that fails.
torch2_golden="$PWD/build-torch${version}/golden-torch2"
if [ ! -f "$torch2_golden/Lamb.json" ]; then
  mkdir -p "$torch2_golden"
  if ! .venv-torch/bin/python test/optim/python/golden_sg_lamb_torch2.py "${SG_GOLDEN_DIR:-$PWD/../shared/golden}" "$torch2_golden/Lamb.json.tmp" >/dev/null 2>"$torch2_golden/log"; then
    echo "test-torch-wheel: could not replay SuperGradients' Lamb on this machine ($torch2_golden/log); using test/optim/golden/torch2/Lamb.json" >&2
  else
    mv "$torch2_golden/Lamb.json.tmp" "$torch2_golden/Lamb.json"
  fi
fi
echo "test-torch-wheel: the suite against $binary"
# The interop tests read and write checkpoints with this PyTorch too (torch.load's weights_only=True).
SG_GOLDEN_TORCH2_DIR="$torch2_golden" SG_OPTIM_BINARY="$binary" SG_OPTIM_PYTHON="$PWD/.venv-torch/bin/python" SG_OPTIM_INTEROP_PYTHON="$PWD/.venv-torch/bin/python" \
  npx mocha
