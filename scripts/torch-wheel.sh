#!/usr/bin/env bash
# Builds the addon against PyTorch's own wheel, a complete LibTorch 2.x (with CUDA on x86-64
# Linux), next to the default build: the wheel goes into the git-ignored virtual environment
# .venv-torch/, the addon into build-torch<version>/Release/sg_optim.node, and
# build/Release/sg_optim.node (Debian's LibTorch) is not touched. A second run reuses both and
# only recompiles what changed. Needs node_modules (bash scripts/setup.sh first).
#
#   bash scripts/torch-wheel.sh [version]     # default 2.15; TORCH_WHEEL=2.15 works too
#
# For a CUDA wheel the CUDA sources are compiled by the nvcc of exactly the wheel's CUDA version,
# from pip (the cuda-toolkit[nvcc,cccl,curand] extras of the cuda-toolkit release the wheel pins;
# cmake/TorchWheelCuda.cmake turns them into a toolkit CMake accepts). Prints the binary's path.
set -euo pipefail
cd "$(dirname "$0")/.."

version="${1:-${TORCH_WHEEL:-2.15}}"
venv=.venv-torch
build="build-torch${version}"
py="$venv/bin/python"

log() { echo "torch-wheel: $*" >&2; }

if [ ! -x "$py" ]; then
  log "creating $venv with $(python3 --version)"
  python3 -m venv "$venv"
fi
installed="$("$py" -c 'import torch; print(torch.__version__)' 2>/dev/null || true)"
if [[ "$installed" != "$version".* ]]; then
  log "installing torch==${version}.* (about 3 GB with its nvidia wheels)"
  # No pip cache: the venv itself is what a second run reuses, and the cache would double the disk.
  "$py" -m pip install --disable-pip-version-check --no-cache-dir -q "torch==${version}.*"
  log "installed in ${SECONDS} s"
fi
torch_dir="$("$py" -c 'import os, torch; print(os.path.dirname(torch.__file__))' 2>/dev/null)"
cuda="$("$py" -c 'import torch; print(torch.version.cuda or "")' 2>/dev/null)"

if [ -n "$cuda" ]; then
  # CUDA 13 wheels share one folder, site-packages/nvidia/cu13; nvcc is not among torch's own
  # dependencies, only the runtime libraries are.
  nvcc="$(dirname "$torch_dir")/nvidia/cu${cuda%%.*}/bin/nvcc"
  if [ ! -x "$nvcc" ]; then
    toolkit="$("$py" -c 'from importlib.metadata import version; print(version("cuda-toolkit"))' 2>/dev/null || true)"
    if [ -z "$toolkit" ]; then
      log "torch ${installed:-$version} uses CUDA $cuda but pins no cuda-toolkit package; install a CUDA $cuda toolkit and set CUDACXX"
      exit 1
    fi
    log "installing nvcc for CUDA $cuda (cuda-toolkit[nvcc,cccl,curand]==$toolkit)"
    "$py" -m pip install --disable-pip-version-check --no-cache-dir -q "cuda-toolkit[nvcc,cccl,curand]==$toolkit"
  fi
fi

# Two compile jobs by default: the CUDA file alone takes a minute and a few GB.
log "building against $torch_dir (CUDA: ${cuda:-none}) into $build"
started=$SECONDS
LIBTORCH="$torch_dir" nice node_modules/.bin/cmake-js compile --out "$build" --parallel "${SG_OPTIM_JOBS:-2}" \
  --CDTorch_DIR="$torch_dir/share/cmake/Torch" >&2
log "built in $((SECONDS - started)) s"
echo "$PWD/$build/Release/sg_optim.node"
