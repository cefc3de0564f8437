"""Writes test/optim/fixtures/option-defaults.json: the constructor defaults of every torch.optim
optimizer sg-optim implements, read from the PyTorch running this (.venv-torch's 2.15) with
inspect.signature, so test/optim/option-defaults.test.ts can check each schema's defaults (and
that no torch.optim option is missing) without running an optimizer.

Usage: make_option_defaults.py [OUT]

Tuples become lists, None null; `params` and keyword-only markers are left out. A default that
is not a plain value (a `required` sentinel) is written as {"required": true}.
"""
import inspect
import json
import os
import sys

import torch

NAMES = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "ASGD", "Rprop", "Adafactor", "LBFGS", "Muon"]


def plain(value):
    if isinstance(value, tuple):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return {"required": True}


def defaults_of(cls):
    out = {}
    for name, param in inspect.signature(cls.__init__).parameters.items():
        if name in ("self", "params") or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        out[name] = plain(param.default) if param.default is not inspect.Parameter.empty else {"required": True}
    return out


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "fixtures", "option-defaults.json")
    data = {"torch": torch.__version__, "optimizers": {name: defaults_of(getattr(torch.optim, name)) for name in NAMES}}
    with open(out, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
