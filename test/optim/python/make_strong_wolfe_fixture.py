"""Writes test/optim/fixtures/strong-wolfe.json: what PyTorch's own line search
(torch.optim.lbfgs._strong_wolfe, the PyTorch running this: .venv-torch's 2.15) returns on a grid of
one-dimensional searches, replayed by test/optim/strong-wolfe.test.ts against lib/optim/strong-wolfe.ts.

Usage: make_strong_wolfe_fixture.py [OUT]

LBFGS's trajectories (lbfgs.json) reach only some of the search's branches. Here each case fixes
a function, a start x0, a direction d, a first step t and the options (max_ls, tolerance_change),
so that between them the grid takes every branch: Armijo failing at once (zoom), the curvature
condition met at once, the slope turning positive, extrapolation (several cubic steps, max_ls
reached), the zoom's insufficient-progress moves and the tolerance_change stop, and cubics
without a real minimum (the midpoint fallback). The functions are written with plain Python
floats (math.*) so that the test computes the same values with Math.*; the search's scalars are
float64 0-dim tensors, as for float64 parameters.

SCRIPTED adds searches over a scripted objective: the k-th call returns the k-th (loss, slope)
of a list, wherever the search asks (the fixture records the step of each call, which the test
checks call by call). Smooth functions never land exactly on the search's boundaries; scripted
values do: the Armijo and curvature conditions holding with equality, a trial as low as the
bracket's low end, a bracket exactly tolerance_change wide, a trial exactly 0.1 of the bracket
from its end, a cubic clamped to the bracket's end, a cubic with d2_square exactly 0. Each was
written against a StrykerJS survivor of lib/optim/strong-wolfe.ts (`<` made `<=` and the like).
"""
import json
import math
import os
import sys

import torch
from torch.optim.lbfgs import _strong_wolfe

# name -> (f(x), f'(x)) on a list of coordinates; the same formulas as the test's FUNCTIONS.
FUNCTIONS = {
    "quadratic": (
        lambda x: 0.5 * (x[0] * x[0] + 10.0 * x[1] * x[1]),
        lambda x: [x[0], 10.0 * x[1]],
    ),
    "quartic": (
        lambda x: x[0] ** 4 - 3.0 * x[0] ** 2 + x[0],
        lambda x: [4.0 * x[0] ** 3 - 6.0 * x[0] + 1.0],
    ),
    "wavy": (
        lambda x: math.sin(3.0 * x[0]) + 0.1 * x[0] * x[0],
        lambda x: [3.0 * math.cos(3.0 * x[0]) + 0.2 * x[0]],
    ),
    "rosenbrock": (
        lambda x: (1.0 - x[0]) ** 2 + 100.0 * (x[1] - x[0] * x[0]) ** 2,
        lambda x: [-2.0 * (1.0 - x[0]) - 400.0 * x[0] * (x[1] - x[0] * x[0]), 200.0 * (x[1] - x[0] * x[0])],
    ),
    "steep": (
        lambda x: math.exp(x[0]) - 2.0 * x[0],
        lambda x: [math.exp(x[0]) - 2.0],
    ),
    # Nearly linear far from 0: long searches whose zoom shrinks a wide bracket many times.
    "huber": (
        lambda x: math.sqrt(1.0 + x[0] * x[0]),
        lambda x: [x[0] / math.sqrt(1.0 + x[0] * x[0])],
    ),
    # A narrow well: cubics land near the bracket's ends (the insufficient-progress moves).
    "well": (
        lambda x: -math.exp(-50.0 * x[0] * x[0]) + 0.01 * x[0] * x[0],
        lambda x: [100.0 * x[0] * math.exp(-50.0 * x[0] * x[0]) + 0.02 * x[0]],
    ),
}

# (function, x0, d): descent directions (the negative gradient, or another one downhill).
STARTS = [
    ("quadratic", [2.0, 1.0], None),
    ("quadratic", [-1.0, 0.3], [1.0, 0.0]),
    ("quartic", [2.0], None),
    ("quartic", [-0.2], None),
    ("wavy", [0.3], None),
    ("wavy", [2.2], None),
    ("rosenbrock", [-1.2, 1.0], None),
    ("rosenbrock", [0.0, 0.0], [1.0, 0.0]),
    ("steep", [-3.0], None),
    ("steep", [2.0], None),
    ("huber", [-10.0], None),
    ("huber", [-30.0], [1.0]),
    ("huber", [5.0], [-0.1]),
    ("well", [-0.2], None),
    ("well", [0.15], [-1.0]),
    ("well", [-3.0], [1.0]),
]
STEPS = [1e-3, 0.05, 0.5, 1.0, 4.0, 40.0, 1e3, 1e5]
OPTIONS = [(25, 1e-9), (3, 1e-9), (1, 1e-9), (25, 1e-2), (25, 1e-5)]


# The value that makes the Armijo condition hold with equality at the call's step t:
# f + c1 * t * gtd, the search's own expression (c1 = 1e-4), in float64 as the search computes it.
ARMIJO = "armijo"

# (name, f0, g0, d, t0, max_ls, tolerance_change, script): script[k] is (loss, slope) for the k-th
# call, the loss ARMIJO for the Armijo boundary; d = [1] unless given, so the slope is g . d = g.
SCRIPTED = [
    ("extrapolation: Armijo with equality at t0 is no failure (extrapolates)", 0.0, [-1.0], [1.0], 1.0, 25, 1e-9,
     [(ARMIJO, -0.95), (-1.0, -0.5)]),
    ("extrapolation: f_new == f_prev at ls_iter 1 does not bracket yet", 0.0, [-1.0], [1.0], 1.0, 25, 1e-9,
     [(-1.0, -1.0), (-1.0, -1.0), (-2.0, -0.1)]),
    ("extrapolation: f_new == f_prev at ls_iter 2 brackets; equal ends: index 0 is low; tolerance_change stops the zoom", 0.0, [-1.0], [1.0], 1.0, 25, 1.0,
     [(-1.0, -1.0), (-2.0, -1.0), (-2.0, -1.5)]),
    ("extrapolation: curvature with equality at t0 (|gtd_new| == c2 |gtd|) is accepted", 0.0, [-1.0], [1.0], 1.0, 25, 1e-9,
     [(-1.0, -0.9)]),
    ("extrapolation: a slope of exactly 0 brackets (ascent direction, where curvature never holds); zoom swaps on gtd_new * (high - low) == 0", 0.0, [1.0], [1.0], 1.0, 3, 1e-9,
     [(-1.0, 0.0), (-2.0, 0.0), (-3.0, -1.0), (-4.0, 1.0)]),
    ("max_ls reached with f_new == f: the bracket's low end is t = 0", 0.0, [-1.0], [1.0], 1.0, 1, 1e-9,
     [(-1.0, -1.0), (0.0, -1.0)]),
    ("zoom: bracket width * max|d| exactly tolerance_change does not stop it", 0.0, [-1.0], [2.0], 0.25, 25, 0.5,
     [(1.0, 1.0), (-1.0, -0.1)]),
    ("zoom: a trial exactly 0.1 of the bracket from its end is not close; the next, close, is kept (insufficient progress noted)", 1.0, [-2.0], [1.0], 10.0, 25, 1e-9,
     [(81.0, 18.0), (0.5, -2.0), (0.25, -0.1)]),
    ("zoom: Armijo with equality at a trial is accepted", 1.0, [-2.0], [1.0], 10.0, 25, 1e-9,
     [(81.0, 18.0), (ARMIJO, -0.5)]),
    ("zoom: a trial below f(0) but short of Armijo's decrease becomes the high end", 1.0, [-2.0], [1.0], 10.0, 25, 1e-9,
     [(81.0, 18.0), (0.9999, -0.5), (0.5, -0.1)]),
    ("zoom: curvature with equality at a trial is accepted", 1.0, [-2.0], [1.0], 10.0, 25, 1e-9,
     [(81.0, 18.0), (0.5, -1.8)]),
    ("zoom: a trial as low as the low end becomes the high end; equal ends: index 0 is low", 1.0, [-2.0], [1.0], 10.0, 2, 1e-9,
     [(81.0, 18.0), (0.5, -2.0), (0.5, -3.0)]),
    ("zoom: cubic clamped to the bracket's upper end moves 0.1 inside", 0.0, [-1.0], [1.0], 1.0, 25, 1e-9,
     [(-1e-05, -0.5), (0.5, -0.25), (-2.0, 0.25)]),
    ("zoom: cubic clamped to the bracket's lower end moves 0.1 inside", 0.0, [-1.0], [1.0], 1.0, 4, 1e-9,
     [(-1e-05, 4.0), (2.0, -0.25), (-1e-05, 0.25), (-1e-05, -2.0), (-3.0, -0.1)]),
    ("zoom: close to the end twice in a row (insufficient progress) moves 0.1 inside", 0.0, [-1.0], [1.0], 1.0, 3, 1e-9,
     [(-2.0, 8.0), (1.0, -0.25), (-0.25, 4.0), (-1.0, 0.25)]),
    ("zoom: a trial far from the ends clears the insufficient-progress mark (the next close one is kept)", 0.0, [-1.0], [1.0], 1.0, 3, 1e-9,
     [(-1e-05, -8.0), (1.0, -2.0), (-1.0, 2.0), (-0.5, 0.25)]),
    ("extrapolation: cubic with d2_square exactly 0 (its minimum at infinity, clamped to 10 t)", 0.0, [-1.0], [1.0], 1.0, 25, 1e-9,
     [(-1.0, -1.0), (-3.0, -0.5)]),
]


def scripted_case(name, f0, g0, d0, t0, max_ls, tol, script):
    d = torch.tensor(d0, dtype=torch.float64)
    g = torch.tensor(g0, dtype=torch.float64)
    gtd = g.dot(d)
    calls = []

    def obj(x, t, d):
        assert len(calls) < len(script), f"{name}: the search asks for more than its {len(script)} values"
        loss, slope = script[len(calls)]
        t = float(t)
        if loss == ARMIJO:
            loss = float(f0 + 1e-4 * t * gtd)
        # slope = g . d: the gradient along d's first axis (d has one element here or [2.0]).
        grad = [slope / d0[0]]
        calls.append({"t": t, "f": loss, "g": grad})
        return loss, torch.tensor(grad, dtype=torch.float64)

    f, g_new, t, evals = _strong_wolfe(obj, [torch.zeros(len(d0), dtype=torch.float64)], t0, d, f0, g, gtd, tolerance_change=tol, max_ls=max_ls)
    assert len(calls) == len(script), f"{name}: the search used {len(calls)} of its {len(script)} values"
    return {"name": name, "f0": f0, "g0": g0, "d": d0, "t0": t0, "max_ls": max_ls, "tolerance_change": tol, "calls": calls,
            "f": float(f), "g": [float(v) for v in g_new], "t": float(t), "evals": int(evals)}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "fixtures", "strong-wolfe.json")
    cases = []
    for name, x0, direction in STARTS:
        fn, grad = FUNCTIONS[name]
        g0 = grad(x0)
        d0 = direction if direction is not None else [-v for v in g0]
        xt = [torch.tensor(x0, dtype=torch.float64)]
        d = torch.tensor(d0, dtype=torch.float64)
        g = torch.tensor(g0, dtype=torch.float64)

        def obj(x, t, d):
            point = [a + t * b for a, b in zip(x[0].tolist(), d.tolist())]
            return fn(point), torch.tensor(grad(point), dtype=torch.float64)

        for t0 in STEPS:
            for max_ls, tol in OPTIONS:
                try:
                    f, g_new, t, evals = _strong_wolfe(obj, xt, t0, d, fn(x0), g, g.dot(d), tolerance_change=tol, max_ls=max_ls)
                except OverflowError:  # exp of a huge step: not a search worth replaying
                    continue
                cases.append({
                    "function": name, "x0": x0, "d": d0, "t0": t0, "max_ls": max_ls, "tolerance_change": tol,
                    "f": float(f), "g": [float(v) for v in g_new], "t": float(t), "evals": int(evals),
                })
    with open(out, "w") as fh:
        # One case a line: small, and a regenerated file diffs case by case.
        fh.write('{"reference": ' + json.dumps(f"torch.optim.lbfgs._strong_wolfe, PyTorch {torch.__version__}") + ',\n"cases": [\n')
        fh.write(",\n".join(json.dumps(c) for c in cases))
        fh.write("\n],\n\"scripted\": [\n")
        fh.write(",\n".join(json.dumps(scripted_case(*s)) for s in SCRIPTED))
        fh.write("\n]}\n")
    print(f"{len(cases)} cases -> {out}")


if __name__ == "__main__":
    main()
