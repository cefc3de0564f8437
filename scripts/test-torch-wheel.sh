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

# Results that differ under PyTorch's wheel for a known reason, left out here and run by the
# default suite: the wheel computes torch.sqrt on the CPU with MKL's vsSqrt/vdSqrt, which is not
# correctly rounded (1 ulp off for about a fifth of float32 inputs; Debian's LibTorch uses
# std::sqrt). Lamb's global gradient norm is a float32 sqrt (as in SuperGradients), so its
# reference path is 1 ulp of that norm away from the 1.13 golden files (4e-7 relative in float64);
# our fused loops keep std::sqrt, so the fused-vs-reference comparisons of RMSprop (centered,
# float32) and Lamb differ by that ulp too. See the README's development section.
known='Lamb: every case, bit-exact or within tolerance, on the reference path|(RMSprop|Lamb) \((generic|avx2) loops\)'
echo "test-torch-wheel: the suite against $binary"
# The interop tests read and write checkpoints with this PyTorch too (torch.load's weights_only=True).
SG_OPTIM_BINARY="$binary" SG_OPTIM_PYTHON="$PWD/.venv-torch/bin/python" SG_OPTIM_INTEROP_PYTHON="$PWD/.venv-torch/bin/python" \
  npx mocha --grep "$known" --invert
