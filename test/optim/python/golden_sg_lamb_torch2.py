"""Replays the inputs of ../shared/golden/Lamb.json (SuperGradients' Lamb on PyTorch 1.13) through
SuperGradients' own Lamb on the PyTorch running this (PyTorch 2.15 from .venv-torch), and writes the
trajectories as test/optim/golden/torch2/Lamb.json.

Why a second file: PyTorch's wheel computes torch.sqrt on the CPU with MKL, which is not correctly
rounded, and SG's Lamb takes the square root of its float32 global gradient norm; so SG's own
numbers on 2.x differ from its 1.13 numbers by one float32 ulp of that norm (about 4e-7 relative,
float64 cases included). The tests replay this file against a LibTorch 2.x build.

SuperGradients is not installed: its wheel is downloaded (pip download --no-deps) and only
super_gradients/training/utils/optimizers/lamb.py is loaded, with its two registry imports stubbed.

Usage: golden_sg_lamb_torch2.py SHARED_GOLDEN_DIR OUT_FILE"""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import types
import zipfile

import torch

SG_VERSION = "3.7.1"


def load_sg_lamb():
    tmp = tempfile.mkdtemp()
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", tmp, f"super-gradients=={SG_VERSION}"], check=True)
    wheel = next(f for f in os.listdir(tmp) if f.endswith(".whl"))
    source = zipfile.ZipFile(os.path.join(tmp, wheel)).read("super_gradients/training/utils/optimizers/lamb.py")
    # The module registers itself by name; the registry is all it imports from SG.
    names = types.ModuleType("super_gradients.common.object_names")
    names.Optimizers = types.SimpleNamespace(LAMB="Lamb")
    registry = types.ModuleType("super_gradients.common.registry.registry")
    registry.register_optimizer = lambda name=None: (lambda cls: cls)
    sys.modules.update({"super_gradients.common.object_names": names, "super_gradients.common.registry.registry": registry})
    path = os.path.join(tmp, "lamb.py")
    with open(path, "wb") as f:
        f.write(source)
    spec = importlib.util.spec_from_file_location("sg_lamb", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Lamb


def replay(Lamb, case):
    dtype = torch.float64 if case["dtype"] == "float64" else torch.float32
    params = [torch.tensor(v, dtype=dtype).reshape(s).requires_grad_() for v, s in zip(case["params0"], case["shapes"])]
    defaults = {k: (tuple(v) if k == "betas" else v) for k, v in case["defaults"].items()}
    groups = [dict(g["options"], params=[params[i] for i in g["params"]]) for g in case["groups"]]
    opt = Lamb(groups, **defaults)
    steps = []
    for step in case["steps"]:
        if step["lr"]:
            for group, lr in zip(opt.param_groups, step["lr"]):
                group["lr"] = lr
        for p, grad, shape in zip(params, step["grads"], case["shapes"]):
            p.grad = None if grad is None else torch.tensor(grad, dtype=dtype).reshape(shape)
        opt.step()
        values = [[float(x) for x in p.detach().double().flatten().tolist()] for p in params]
        steps.append({"lr": step["lr"], "grads": step["grads"], "params": values})
    return dict(case, steps=steps)


def main():
    with open(os.path.join(sys.argv[1], "Lamb.json")) as f:
        cases = json.load(f)["cases"]
    Lamb = load_sg_lamb()
    out = {"reference": f"SuperGradients {SG_VERSION} Lamb (PyTorch {torch.__version__}), test/optim/python/golden_sg_lamb_torch2.py", "cases": [replay(Lamb, c) for c in cases]}
    os.makedirs(os.path.dirname(sys.argv[2]), exist_ok=True)
    with open(sys.argv[2], "w") as f:
        json.dump(out, f)
        f.write("\n")


if __name__ == "__main__":
    main()
