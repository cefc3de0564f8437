"""Writes test/optim/fixtures/option-checks.json: what each torch.optim constructor sg-optim
implements says to out-of-range options (the PyTorch running this: .venv-torch's 2.15), so that
test/optim/option-checks.test.ts can check that ours refuses the same values with the same words.

Usage: make_option_checks.py [OUT]

Probes come from each constructor's signature: a number gets -1, 0.5 and 1.5 (and 0 where its
default is an integer); a pair (betas, etas, step_sizes, eps) gets each element set to -1, and
1.5 in its second place; a None or string option gets 'bogus'. Booleans are left out. Each probe
is one keyword on top of the defaults, over one 2-D float32 parameter; the fixture records
PyTorch's ValueError message, or null when the constructor accepts it.
"""
import inspect
import json
import os
import sys

import torch

NAMES = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "ASGD", "Rprop", "Adafactor", "LBFGS", "Muon"]
SKIP = {"foreach", "fused", "maximize", "capturable", "differentiable"}


def probes(default):
    if isinstance(default, bool):
        return []
    if isinstance(default, (int, float)):
        return [-1, 0.5, 1.5] + ([0] if isinstance(default, int) else [])
    if isinstance(default, tuple) and len(default) == 2:
        out = [[-1, default[1]], [default[0], -1], [default[0], 1.5]]
        return [[None if v is None else v for v in p] for p in out]
    if default is None:
        return ["bogus"]
    return []


def outcome(cls, key, value):
    p = torch.zeros(2, 2, requires_grad=True)
    try:
        cls([p], **{key: tuple(value) if isinstance(value, list) else value})
        return None
    except (ValueError, RuntimeError, TypeError) as e:
        return str(e)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "fixtures", "option-checks.json")
    cases = []
    for name in NAMES:
        cls = getattr(torch.optim, name)
        for key, param in inspect.signature(cls.__init__).parameters.items():
            if key in ("self", "params") or key in SKIP or param.default is inspect.Parameter.empty:
                continue
            for value in probes(param.default):
                cases.append({"optimizer": name, "option": key, "value": value, "error": outcome(cls, key, value)})
    with open(out, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
