"""Writes test/optim/fixtures/lbfgs.json: trajectories of torch.optim.LBFGS (the PyTorch running
this: .venv-torch's 2.15) on a fixed objective, replayed by test/optim/lbfgs.test.ts.

Usage: make_lbfgs_fixture.py [OUT]

The objective uses only operations sg-optim's tensors have, so the test computes the same loss:
  loss(w, v) = sum((A @ w - b)^2) + 0.1 * sum(w^4) + sum((v - C)^2 * (1 + v * v)) + 0.05 * (sum(w) * sum(v))^2
with w of shape [3] and v of shape [2, 2]. Each case runs STEPS calls of step(closure); after each
it records the closure's first loss (what step returns), the parameters and the counters, and at
the end the state's scalars. With maximize the closure returns -loss.

SCRIPTED adds single step() calls whose closure is scripted: its k-th call sets the gradient to
the k-th value of a list and returns the k-th loss, wherever the parameters are (the fixture
records them at each call, which the test checks). The values put LBFGS's stop conditions exactly
on their boundaries: the largest gradient element equal to tolerance_grad, the slope along d equal
to -tolerance_change, |loss - prev_loss| and max|d t| equal to tolerance_change, max_eval
evaluations reached, y.s equal to 1e-10. Written against StrykerJS survivors of lib/optim/lbfgs.ts."""
import json
import os
import sys

import torch

A = [[1.0, 2.0, -1.0], [0.5, -1.5, 2.0], [3.0, 0.25, 1.0], [-2.0, 1.0, 0.5]]
B = [1.0, -2.0, 0.5, 3.0]
C = [[0.5, -1.0], [2.0, 0.25]]
W0 = [0.3, -0.7, 1.1]
V0 = [[1.5, 0.2], [-0.4, 0.9]]
STEPS = 3

CASES = [
    ("float64", {"lr": 1, "max_iter": 5}),
    ("float64", {"lr": 1, "max_iter": 6, "line_search_fn": "strong_wolfe"}),
    ("float64", {"lr": 0.5, "max_iter": 4, "history_size": 2}),
    ("float64", {"lr": 1, "max_iter": 5, "history_size": 3, "line_search_fn": "strong_wolfe", "maximize": True}),
    ("float64", {"lr": 1, "max_iter": 10, "max_eval": 7, "line_search_fn": "strong_wolfe"}),
    ("float32", {"lr": 1, "max_iter": 5, "line_search_fn": "strong_wolfe"}),
    ("float32", {"lr": 0.8, "max_iter": 2, "history_size": 3}),
]


def objective(w, v, dtype):
    a = torch.tensor(A, dtype=dtype)
    b = torch.tensor(B, dtype=dtype)
    c = torch.tensor(C, dtype=dtype)
    r = a.matmul(w).sub(b)
    d = v.sub(c)
    return r.mul(r).sum() + w.pow(4).sum().mul(0.1) + d.mul(d).mul(v.mul(v).add(1)).sum() + w.sum().mul(v.sum()).pow(2).mul(0.05)


def values(t):
    return [float(x) for x in t.detach().double().flatten().tolist()]


def make_case(dtype_name, options):
    dtype = torch.float64 if dtype_name == "float64" else torch.float32
    w = torch.tensor(W0, dtype=dtype, requires_grad=True)
    v = torch.tensor(V0, dtype=dtype, requires_grad=True)
    opt = torch.optim.LBFGS([w, v], **options)
    sign = -1.0 if options.get("maximize", False) else 1.0

    def closure():
        opt.zero_grad()
        loss = objective(w, v, dtype).mul(sign)
        loss.backward()
        return loss

    steps = []
    for _ in range(STEPS):
        loss = opt.step(closure)
        state = opt.state[w]
        steps.append({"loss": float(loss), "params": [values(w), values(v)], "func_evals": state["func_evals"], "n_iter": state["n_iter"]})
    state = opt.state[w]
    return {
        "dtype": dtype_name,
        "options": options,
        "steps": steps,
        "final": {
            "t": float(state["t"]),
            "prev_loss": float(state["prev_loss"]),
            "history": len(state["old_dirs"]),
            "d": values(state["d"]),
            "H_diag": float(state["H_diag"]),
        },
    }


# (name, options, w0, script): script[k] is (loss, gradient) for the closure's k-th call.
SCRIPTED = [
    ("max|g| == tolerance_grad at the start: returns after one evaluation", {"tolerance_grad": 0.5}, [0.0],
     [(1.0, [0.5])]),
    ("max|g| == tolerance_grad after a fixed step: stops", {"tolerance_grad": 0.25}, [0.0],
     [(1.0, [-1.0]), (0.5, [0.25])]),
    ("max|g| == tolerance_grad after a line search: stops", {"tolerance_grad": 0.25, "line_search_fn": "strong_wolfe"}, [0.0],
     [(1.0, [-1.0]), (0.5, [0.25])]),
    ("g.d == -tolerance_change: still a descent direction, steps", {"tolerance_change": 0.25}, [0.0],
     [(1.0, [-0.5]), (0.5, [0.0])]),
    ("|loss - prev_loss| == tolerance_change: goes on", {"tolerance_change": 0.25, "history_size": 3}, [0.0],
     [(1.0, [-1.0]), (0.75, [-0.5]), (0.5, [0.0])]),
    ("max|d t| == tolerance_change: stops", {"tolerance_change": 0.25, "lr": 0.25}, [0.0],
     [(1.0, [-1.0]), (0.5, [-0.5])]),
    ("max_eval evaluations reached: stops", {"max_eval": 2}, [0.0, 1.0],
     [(1.0, [-1.0, 2.0]), (0.5, [-0.5, 1.0])]),
    ("max_eval evaluations reached in a line search: stops", {"max_eval": 3, "line_search_fn": "strong_wolfe"}, [0.0],
     [(1.0, [-1.0]), (0.5, [-0.95]), (0.25, [-0.95]), (0.125, [-0.95])]),
    ("g.d above -tolerance_change: stops before stepping", {"tolerance_change": 0.25}, [0.0],
     [(1.0, [0.25])]),
    ("|loss - prev_loss| below tolerance_change: stops", {"tolerance_change": 0.25}, [0.0],
     [(1.0, [-1.0]), (0.875, [-0.5])]),
    ("the largest gradient element and step element decide, not the smallest", {"tolerance_grad": 0.25, "history_size": 3}, [0.0, 0.0],
     [(1.0, [0.0, -1.0]), (0.5, [0.0, -0.5]), (0.25, [0.0, 0.25])]),
    ("the largest gradient element decides after a line search too", {"tolerance_grad": 0.25, "line_search_fn": "strong_wolfe", "history_size": 3}, [0.0, 0.0],
     [(1.0, [0.0, -1.0]), (0.5, [0.0, -0.5]), (0.25, [0.0, 0.25])]),
    ("|g|_1 == 1 (float32): t is lr itself, not lr rounded to float32", {"lr": 0.1, "max_iter": 1}, [0.0],
     [(1.0, [-1.0])], "float32"),
    ("y.s == 1e-10: not a curvature pair (history stays empty)", {"lr": 1e-10 * 2.0 ** 33, "max_iter": 2, "max_eval": 10, "history_size": 3}, [0.0],
     [(1.0, [-1.0]), (0.5, [-1.0 + 2.0 ** -33])]),
]


def scripted_case(name, options, w0, script, dtype_name="float64"):
    dtype = torch.float64 if dtype_name == "float64" else torch.float32
    w = torch.tensor(w0, dtype=dtype, requires_grad=True)
    opt = torch.optim.LBFGS([w], **options)
    calls = []

    def closure():
        assert len(calls) < len(script), f"{name}: LBFGS asks for more than its {len(script)} values"
        loss, grad = script[len(calls)]
        calls.append({"w": values(w), "loss": loss, "grad": grad})
        opt.zero_grad()
        w.grad = torch.tensor(grad, dtype=dtype)
        return torch.tensor(loss, dtype=dtype)

    opt.step(closure)
    assert len(calls) == len(script), f"{name}: LBFGS used {len(calls)} of its {len(script)} values"
    state = opt.state[w]
    final = {"w": values(w), "func_evals": state["func_evals"], "n_iter": state["n_iter"]}
    if "d" in state:
        final.update({"t": float(state["t"]), "prev_loss": float(state["prev_loss"]), "history": len(state["old_dirs"]),
                      "d": values(state["d"]), "H_diag": float(state["H_diag"])})
    if "al" in state:  # [None] * history_size, the first entries filled
        final["al"] = [None if a is None else float(a) for a in state["al"]]
    return {"name": name, "dtype": dtype_name, "options": options, "w0": w0, "calls": calls, "final": final}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "fixtures", "lbfgs.json")
    fixture = {
        "reference": f"torch.optim.LBFGS (PyTorch {torch.__version__}), test/optim/python/make_lbfgs_fixture.py",
        "A": A, "B": B, "C": C, "w0": W0, "v0": V0,
        "cases": [make_case(d, o) for d, o in CASES],
        "scripted": [scripted_case(*c) for c in SCRIPTED],
    }
    scripted = fixture.pop("scripted")
    with open(out, "w") as f:
        # The scripted steps one a line: small, and a regenerated file diffs step by step.
        f.write(json.dumps(fixture, indent=1)[:-2] + ',\n "scripted": [\n')
        f.write(",\n".join(json.dumps(c) for c in scripted))
        f.write("\n ]\n}\n")


if __name__ == "__main__":
    main()
