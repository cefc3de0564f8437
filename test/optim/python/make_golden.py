"""Writes the golden trajectory file of one torch.optim optimizer with the PyTorch running this
(scripts/torch-wheel.sh's .venv-torch: PyTorch 2.15), in the format of ../shared/golden/README.md.

Usage: make_golden.py NAME [OUT_DIR]   (OUT_DIR defaults to test/optim/golden)

Each case of CASES[NAME] is (dtype, defaults, second-group overrides or None); every case runs
12 steps on the shapes of SHAPES (or SHAPES_FOR[NAME]) with seeded parameters and gradients,
one gradient missing at step 4 (that parameter is skipped), and new learning rates at step 6.
The trajectory comes from the for-loop path (foreach=False), PyTorch's reference."""
import json
import os
import sys

import torch

SHAPES = [[4, 5], [5], [3, 2, 2]]
# Optimizers that take only some shapes (Muon: matrices).
SHAPES_FOR = {}

F64, F32 = "float64", "float32"

# name -> [(dtype, defaults, options of a second group holding the last parameter, or None)]
CASES = {
    # Adagrad: the second group's initial_accumulator_value is ignored, as PyTorch ignores it (the
    # state is made in __init__, and later from the optimizer's defaults).
    "Adagrad": [
        (F64, {"lr": 0.1}, None),
        (F64, {"lr": 0.05, "lr_decay": 0.01, "weight_decay": 0.01, "initial_accumulator_value": 0.1, "eps": 1e-8}, None),
        (F64, {"lr": 0.1, "maximize": True}, {"lr": 0.02, "lr_decay": 0.05, "weight_decay": 0.1, "initial_accumulator_value": 0.5}),
        (F32, {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1}, None),
        (F32, {"lr": 0.05, "weight_decay": 0.01}, {"lr": 0.1}),
    ],
    "Adadelta": [
        (F64, {"lr": 1.0}, None),
        (F64, {"lr": 0.5, "rho": 0.95, "eps": 1e-4, "weight_decay": 0.01}, None),
        (F64, {"lr": 1.0, "maximize": True}, {"lr": 0.3, "rho": 0.8, "weight_decay": 0.1}),
        (F32, {"lr": 1.0, "rho": 0.9}, None),
        (F32, {"lr": 0.5, "weight_decay": 0.01, "eps": 1e-5}, {"rho": 0.5}),
    ],
    "Adamax": [
        (F64, {"lr": 0.01}, None),
        (F64, {"lr": 0.02, "betas": [0.8, 0.99], "eps": 1e-6, "weight_decay": 0.01}, None),
        (F64, {"lr": 0.01, "maximize": True}, {"lr": 0.05, "betas": [0.5, 0.9], "weight_decay": 0.1}),
        (F32, {"lr": 0.01}, None),
        (F32, {"lr": 0.02, "weight_decay": 0.01}, {"betas": [0.7, 0.95]}),
    ],
    "NAdam": [
        (F64, {"lr": 0.01}, None),
        (F64, {"lr": 0.02, "betas": [0.8, 0.99], "eps": 1e-6, "weight_decay": 0.01, "momentum_decay": 0.01}, None),
        (F64, {"lr": 0.01, "weight_decay": 0.05, "decoupled_weight_decay": True, "maximize": True},
         {"lr": 0.05, "momentum_decay": 0.1, "decoupled_weight_decay": False, "weight_decay": 0.02}),
        (F32, {"lr": 0.01}, None),
        (F32, {"lr": 0.02, "weight_decay": 0.1, "decoupled_weight_decay": True}, {"betas": [0.7, 0.95]}),
    ],
    # RAdam: 12 steps cover both branches (rho_t <= 5 for the first five steps with these betas).
    "RAdam": [
        (F64, {"lr": 0.01}, None),
        (F64, {"lr": 0.02, "betas": [0.8, 0.99], "eps": 1e-6, "weight_decay": 0.01}, None),
        (F64, {"lr": 0.01, "weight_decay": 0.05, "decoupled_weight_decay": True, "maximize": True},
         {"lr": 0.05, "betas": [0.5, 0.9], "decoupled_weight_decay": False, "weight_decay": 0.02}),
        (F32, {"lr": 0.01}, None),
        (F32, {"lr": 0.02, "weight_decay": 0.1, "decoupled_weight_decay": True}, {"betas": [0.7, 0.95]}),
    ],
}

# optim-b: ASGD (small t0, so that averaging starts), Rprop, Adafactor (factored and not).
CASES.update({
    "ASGD": [
        (F64, {"lr": 0.05}, None),
        (F64, {"lr": 0.1, "lambd": 0.01, "alpha": 0.5, "t0": 3, "weight_decay": 0.01}, {"lr": 0.02, "t0": 0, "maximize": True}),
        (F32, {"lr": 0.05, "lambd": 1e-3, "t0": 5}, {"weight_decay": 0.1}),
        (F64, {"lr": 0.01, "t0": 2, "maximize": True}, None),
    ],
    "Rprop": [
        (F64, {"lr": 0.01}, None),
        (F64, {"lr": 0.05, "etas": [0.3, 1.5], "step_sizes": [1e-3, 0.1]}, {"lr": 0.02, "maximize": True}),
        (F32, {"lr": 0.01}, {"etas": [0.6, 1.1]}),
    ],
    "Adafactor": [
        (F64, {"lr": 0.01}, None),
        (F64, {"lr": 0.05, "beta2_decay": -0.5, "eps": [1e-30, 1e-3], "d": 1.5, "weight_decay": 0.01}, {"lr": 0.02, "maximize": True}),
        (F32, {"lr": 0.01}, {"weight_decay": 0.1}),
        (F64, {"lr": 0.1, "eps": [None, 0.1]}, None),
    ],
    "Muon": [
        (F32, {"lr": 0.02}, None),
        (F64, {"lr": 0.02, "momentum": 0.9, "nesterov": False, "weight_decay": 0.01}, {"lr": 0.01, "adjust_lr_fn": "match_rms_adamw"}),
        (F32, {"lr": 0.01, "ns_steps": 3, "adjust_lr_fn": "spectral_unclamped"}, None),
    ],
})
SHAPES_FOR.update({"Muon": [[4, 5], [5, 3], [6, 6]]})

STEPS = 12
MISSING_GRAD_STEP = 4
LR_CHANGE_STEP = 6


def values(t):
    return [float(v) for v in t.detach().double().flatten().tolist()]


def make_case(name, dtype_name, defaults, second_group, shapes):
    dtype = torch.float64 if dtype_name == F64 else torch.float32
    gen = torch.Generator().manual_seed(len(CASES[name]) * 1000 + sum(map(ord, name + dtype_name + json.dumps(defaults))))
    params = [torch.randn(s, generator=gen, dtype=torch.float64).to(dtype).requires_grad_() for s in shapes]
    if second_group is None:
        groups = [{"params": list(range(len(shapes))), "options": {}}]
    else:
        groups = [{"params": list(range(len(shapes) - 1)), "options": {}}, {"params": [len(shapes) - 1], "options": second_group}]
    torch_groups = [dict(g["options"], params=[params[i] for i in g["params"]]) for g in groups]
    torch_defaults = {k: (tuple(v) if isinstance(v, list) else v) for k, v in defaults.items()}
    kwargs = dict(torch_defaults)
    if "foreach" in getattr(torch.optim, name).__init__.__code__.co_varnames:
        kwargs.setdefault("foreach", False)
    opt = getattr(torch.optim, name)(torch_groups, **kwargs)
    case = {
        "optimizer": name,
        "dtype": dtype_name,
        "defaults": defaults,
        "groups": groups,
        "shapes": shapes,
        "params0": [values(p) for p in params],
        "steps": [],
    }
    for step in range(STEPS):
        lr = None
        if step == LR_CHANGE_STEP:
            lr = [g["lr"] * 0.5 for g in opt.param_groups]
            for g, new_lr in zip(opt.param_groups, lr):
                g["lr"] = new_lr
        grads = []
        for i, (p, s) in enumerate(zip(params, shapes)):
            if step == MISSING_GRAD_STEP and i == 0:
                p.grad = None
                grads.append(None)
            else:
                g = torch.randn(s, generator=gen, dtype=torch.float64).to(dtype)
                p.grad = g.clone()
                grads.append(values(g))
        opt.step()
        case["steps"].append({"lr": lr, "grads": grads, "params": [values(p) for p in params]})
    return case


def main():
    name = sys.argv[1]
    out_dir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "golden")
    if name not in CASES:
        sys.exit(f"make_golden.py: no cases for {name!r}; known: {', '.join(sorted(CASES))}")
    shapes = SHAPES_FOR.get(name, SHAPES)
    cases = [make_case(name, dtype, defaults, second, shapes) for dtype, defaults, second in CASES[name]]
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, name + ".json"), "w") as f:
        json.dump({"reference": f"torch.optim {name} (PyTorch {torch.__version__}), test/optim/python/make_golden.py", "cases": cases}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
