"""Python half of test/serialize/interop.test.ts: continue (or start) a golden optimizer case in
torch.optim from / to a checkpoint written by sg-optim. argv: spec.json out.json"""
import json
import sys

import torch

spec = json.load(open(sys.argv[1]))
case = spec["case"]
k = spec["k"]
torch.set_default_dtype(torch.float64)
CLASSES = {"SGD": torch.optim.SGD, "Adam": torch.optim.Adam, "AdamW": torch.optim.AdamW, "RMSprop": torch.optim.RMSprop}


def build(params):
    groups = [dict(params=[params[i] for i in g["params"]], **g["options"]) for g in case["groups"]]
    defaults = dict(case["defaults"])
    if "betas" in defaults:
        defaults["betas"] = tuple(defaults["betas"])
    return CLASSES[case["optimizer"]](groups, **defaults)


def run(opt, params, steps):
    for step in steps:
        s = case["steps"][step]
        if s["lr"] is not None:
            for g, lr in zip(opt.param_groups, s["lr"]):
                g["lr"] = lr
        for p, g, shape in zip(params, s["grads"], case["shapes"]):
            p.grad = None if g is None else torch.tensor(g, dtype=torch.float64).reshape(shape)
        opt.step()


if spec["direction"] == "continue":
    ckpt = torch.load(spec["checkpoint"])
    params = [t.detach().clone().requires_grad_(True) for t in ckpt["params"]]
    opt = build(params)
    opt.load_state_dict(ckpt["optimizer_state_dict"])
    run(opt, params, range(k, len(case["steps"])))
    json.dump([p.detach().flatten().tolist() for p in params], open(sys.argv[2], "w"))
else:
    params = [torch.tensor(v, dtype=torch.float64).reshape(s).requires_grad_(True) for v, s in zip(case["params0"], case["shapes"])]
    opt = build(params)
    run(opt, params, range(k))
    torch.save({"params": [p.detach() for p in params], "optimizer_state_dict": opt.state_dict()}, spec["checkpoint"])
    json.dump("ok", open(sys.argv[2], "w"))
