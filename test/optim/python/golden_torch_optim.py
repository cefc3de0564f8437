"""Replays the golden trajectories of the four torch.optim optimizers (SGD, Adam, AdamW, RMSprop;
computed with PyTorch 1.13) with the torch.optim of the Python running this, for-loop path.
Usage: golden_torch_optim.py GOLDEN_DIR. Prints one JSON object: per case, the worst relative
error over all steps (the floors of test/helpers/golden.ts: 1e-3 for float64, 1e-2 for float32)."""
import json
import os
import sys

import torch


def replay(name, case):
    dtype = torch.float64 if case["dtype"] == "float64" else torch.float32
    floor = 1e-3 if dtype == torch.float64 else 1e-2
    params = [torch.tensor(v, dtype=dtype).reshape(s).requires_grad_() for v, s in zip(case["params0"], case["shapes"])]
    defaults = {k: (tuple(v) if k == "betas" else v) for k, v in case["defaults"].items()}
    groups = [dict(g["options"], params=[params[i] for i in g["params"]]) for g in case["groups"]]
    opt = getattr(torch.optim, name)(groups, foreach=False, **defaults)
    worst = 0.0
    for step in case["steps"]:
        if step["lr"]:
            for group, lr in zip(opt.param_groups, step["lr"]):
                group["lr"] = lr
        for p, grad, shape in zip(params, step["grads"], case["shapes"]):
            p.grad = None if grad is None else torch.tensor(grad, dtype=dtype).reshape(shape)
        opt.step()
        for p, expected in zip(params, step["params"]):
            e = torch.tensor(expected, dtype=torch.float64)
            err = ((p.detach().double().flatten() - e).abs() / e.abs().clamp(min=floor)).max().item()
            worst = max(worst, err)
    return worst


def main():
    out = {"torch": torch.__version__, "cases": []}
    for name in ("SGD", "Adam", "AdamW", "RMSprop"):
        with open(os.path.join(sys.argv[1], name + ".json")) as f:
            cases = json.load(f)["cases"]
        for i, case in enumerate(cases):
            out["cases"].append({"optimizer": name, "index": i, "dtype": case["dtype"], "worst": replay(name, case)})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
