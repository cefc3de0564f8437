#!/usr/bin/env bash
# Compile-only check of the CUDA kernels with nvcc (no GPU and no CUDA LibTorch needed): the
# multi-tensor-apply launcher and every functor over the shared per-element math, for float and
# double. Skips with a message when nvcc is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
NVCC="${NVCC:-$(command -v nvcc || true)}"
[ -z "$NVCC" ] && [ -x /usr/local/cuda/bin/nvcc ] && NVCC=/usr/local/cuda/bin/nvcc
if [ -z "$NVCC" ]; then
  echo "check-cuda-kernels: nvcc not found; skipped"
  exit 0
fi
# c10's macro headers (for C10_HOST_DEVICE) come with LibTorch: Debian's in /usr/include, or $LIBTORCH/include.
TORCH_INC="${LIBTORCH:+$LIBTORCH/include}"
TORCH_INC="${TORCH_INC:-/usr/include}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cp native/kernels/check_kernels.cu.in "$out/check_kernels.cu"
"$NVCC" -std=c++17 -O2 -c -I native -I "$TORCH_INC" -arch=sm_80 -o "$out/check_kernels.o" "$out/check_kernels.cu"
echo "check-cuda-kernels: compiled $(ls native/kernels/*.cuh | wc -l) kernel headers with $("$NVCC" --version | tail -1)"
