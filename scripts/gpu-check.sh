#!/usr/bin/env bash
# On a CUDA machine: build against a CUDA LibTorch (LIBTORCH=/path/to/libtorch), replay the golden
# optimizer trajectories on CUDA tensors, and run the benchmark. Usage:
#   LIBTORCH=/opt/libtorch bash scripts/gpu-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${LIBTORCH:-}${Torch_DIR:-}" ]; then
  echo "gpu-check: set LIBTORCH to a CUDA build of LibTorch (or Torch_DIR)" >&2
  exit 1
fi
bash scripts/check-cuda-kernels.sh
bash scripts/setup.sh
node -e "const sg = require('./dist/lib'); const info = require('./build/Release/sg_optim.node').buildInfo(); console.log('LibTorch', info.torchVersion, info.cuda ? 'CUDA' : 'CPU only', '| cudaAvailable:', sg.cudaAvailable()); if (!sg.cudaAvailable()) process.exit(1);"
# The golden replay has a CUDA block that runs every case on cuda:0 when a GPU is visible: SGD and
# RMSprop on torch::optim, Adam and AdamW through LibTorch's at::_fused_adam_, RMSpropTF, Lamb and
# Lion through our multi-tensor kernels.
# ProcessGroupNCCL: one rank's collectives and DistributedDataParallel on cuda:0.
npx mocha --no-config --timeout 600000 dist/test/optim/golden.test.js dist/test/optim/fused.test.js dist/test/distributed/nccl.test.js
node dist/bench/run.js --quick
