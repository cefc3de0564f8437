"""PyTorch side of `npm run bench`: torch.optim's for-loop and foreach paths for SGD/Adam/AdamW/
RMSprop (and fused=True for SGD/Adam/AdamW, which runs on the CPU since PyTorch 2.4), and Python versions of SuperGradients' RMSpropTF, Lamb and Lion written from the spec
(shared/spec/supergradients.md §6-§8), on the same workloads. Prints one JSON object."""
import json
import math
import statistics
import sys
import time

import torch


class RMSpropTF(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-2, alpha=0.9, eps=1e-10, weight_decay=0, momentum=0.0, centered=False, decoupled_decay=False, lr_in_momentum=True):
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum, centered=centered, decoupled_decay=decoupled_decay, lr_in_momentum=lr_in_momentum))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = 0
                    state["square_avg"] = torch.ones_like(p)
                    if group["momentum"] > 0:
                        state["momentum_buffer"] = torch.zeros_like(p)
                state["step"] += 1
                one_minus_alpha = 1.0 - group["alpha"]
                if group["weight_decay"] != 0:
                    grad = grad.add(p, alpha=group["weight_decay"])
                square_avg = state["square_avg"]
                square_avg.add_(grad.pow(2) - square_avg, alpha=one_minus_alpha)
                avg = square_avg.add(group["eps"]).sqrt_()
                if group["momentum"] > 0:
                    buf = state["momentum_buffer"]
                    buf.mul_(group["momentum"]).addcdiv_(grad, avg, value=group["lr"])
                    p.add_(-buf)
                else:
                    p.addcdiv_(grad, avg, value=-group["lr"])


class Lamb(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.01, max_grad_norm=1.0):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, max_grad_norm=max_grad_norm))

    @torch.no_grad()
    def step(self):
        device = self.param_groups[0]["params"][0].device
        one = torch.tensor(1.0, device=device)
        gsq = torch.zeros(1, device=device)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    gsq.add_(p.grad.pow(2).sum())
        gnorm = torch.sqrt(gsq)
        max_norm = torch.tensor(self.defaults["max_grad_norm"], device=device)
        clip = torch.where(gnorm > max_norm, gnorm / max_norm, one)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            group["step"] = group.get("step", 0) + 1
            bc1 = 1 - beta1 ** group["step"]
            bc2 = 1 - beta2 ** group["step"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad.div_(clip)
                state = self.state[p]
                if len(state) == 0:
                    state["exp_avg"] = torch.zeros_like(p)
                    state["exp_avg_sq"] = torch.zeros_like(p)
                m, v = state["exp_avg"], state["exp_avg_sq"]
                m.mul_(beta1).add_(grad, alpha=1 - beta1)
                v.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                denom = (v.sqrt() / math.sqrt(bc2)).add_(group["eps"])
                update = (m / bc1).div_(denom)
                if group["weight_decay"] != 0:
                    update.add_(p, alpha=group["weight_decay"])
                    w = p.norm(2.0)
                    u = update.norm(2.0)
                    trust = torch.where(w > 0, torch.where(u > 0, w / u, one), one)
                    update.mul_(trust)
                p.add_(update, alpha=-group["lr"])


class Lion(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                p.data.mul_(1 - group["lr"] * group["weight_decay"])
                state = self.state[p]
                if len(state) == 0:
                    state["exp_avg"] = torch.zeros_like(p)
                m = state["exp_avg"]
                beta1, beta2 = group["betas"]
                update = m * beta1 + p.grad * (1 - beta1)
                p.add_(torch.sign(update), alpha=-group["lr"])
                m.mul_(beta2).add_(p.grad, alpha=1 - beta2)


def fused_cpu():
    """torch.optim's fused=True takes CPU tensors from PyTorch 2.4 on."""
    major, minor = (int(x) for x in torch.__version__.split(".")[:2])
    return (major, minor) >= (2, 4)


def variants(name):
    """for-loop, foreach and, where PyTorch has it on the CPU, fused."""
    if name in ("SGD", "Adam", "AdamW"):
        return ["for-loop", "foreach"] + (["fused"] if fused_cpu() else [])
    if name == "RMSprop":
        return ["for-loop", "foreach"]
    return ["for-loop"]


def build(name, params, variant):
    # foreach=False (not None) forces the for-loop; fused=True takes the fused kernel.
    kw = {"fused": True} if variant == "fused" else {"foreach": variant == "foreach"}
    if name == "SGD":
        return torch.optim.SGD(params, lr=0.01, momentum=0.9, **kw)
    if name == "Adam":
        return torch.optim.Adam(params, lr=1e-3, **kw)
    if name == "AdamW":
        return torch.optim.AdamW(params, lr=1e-3, **kw)
    if name == "RMSprop":
        return torch.optim.RMSprop(params, lr=1e-2, **kw)
    if name == "RMSpropTF":
        return RMSpropTF(params)
    if name == "Lamb":
        return Lamb(params)
    if name == "Lion":
        return Lion(params)
    raise ValueError(name)


def main():
    spec = json.loads(sys.argv[1])
    torch.set_num_threads(spec["threads"])
    out = {}
    for workload, shapes in spec["workloads"].items():
        torch.manual_seed(0)
        params = [torch.randn(s, requires_grad=True) for s in shapes]
        for p in params:
            p.grad = torch.randn_like(p)
        for name in spec["optimizers"]:
            for variant in variants(name):
                opt = build(name, params, variant)
                for _ in range(spec["warmup"]):
                    opt.step()
                times = []
                for _ in range(spec["steps"]):
                    t0 = time.perf_counter()
                    opt.step()
                    times.append((time.perf_counter() - t0) * 1000)
                out[f"{workload}/{name}/{variant}"] = statistics.median(times)
    print(json.dumps({"torch": torch.__version__, "results": out}))


if __name__ == "__main__":
    main()
