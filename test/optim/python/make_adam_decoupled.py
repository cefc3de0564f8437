"""Writes test/optim/fixtures/adam-decoupled-weight-decay.json: torch.optim.Adam with PyTorch 2.x's
decoupled_weight_decay (which makes it AdamW), trajectories in the golden format of make_golden.py
(same shapes, steps, missing gradient and lr change). Adam's golden file is the seed's
(../shared/golden/Adam.json), so these cases live in a fixture of their own.

Usage: .venv-torch/bin/python test/optim/python/make_adam_decoupled.py"""
import json
import os

import torch

import make_golden

F64, F32 = make_golden.F64, make_golden.F32
CASES = [
    (F64, {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}, None),
    (F64, {"lr": 0.01, "weight_decay": 0.05, "amsgrad": True, "maximize": True, "decoupled_weight_decay": True},
     {"lr": 0.02, "decoupled_weight_decay": False, "weight_decay": 0.1}),
    (F32, {"lr": 0.02, "weight_decay": 0.1, "betas": [0.8, 0.99], "decoupled_weight_decay": True}, {"weight_decay": 0.3}),
]


def main():
    make_golden.CASES["Adam"] = CASES
    shapes = make_golden.SHAPES
    cases = [make_golden.make_case("Adam", dtype, defaults, second, shapes) for dtype, defaults, second in CASES]
    out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "adam-decoupled-weight-decay.json")
    with open(out, "w") as f:
        json.dump({"reference": f"torch.optim Adam (PyTorch {torch.__version__}), test/optim/python/make_adam_decoupled.py", "cases": cases}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
