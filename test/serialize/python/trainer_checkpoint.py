"""Python half of the Trainer-checkpoint cases in test/serialize/interop.test.ts. argv: spec.json out.json

mode "read": torch.load a checkpoint written by sg.Trainer, report its structure and values, load
  its optimizer_state_dict into torch.optim.SGD over the `net` tensors and take one step with every
  gradient 1, so the test can compare that step with sg-optim's.
mode "write": torch.save a SuperGradients-style checkpoint whose `net` is a real nn.Module
  state_dict (an OrderedDict carrying `_metadata`) and report the values written.
"""
import collections
import json
import sys

import torch

spec = json.load(open(sys.argv[1]))
REQUIRED = ["net", "optimizer_state_dict", "epoch", "acc", "metrics"]


def flat(t):
    return t.detach().flatten().tolist()


def read_trainer_checkpoint():
    ckpt = torch.load(spec["checkpoint"])
    missing = [k for k in REQUIRED if k not in ckpt]
    if missing:
        raise SystemExit(f"checkpoint lacks {missing}; has {sorted(ckpt)}")
    net = ckpt["net"]
    params = [net[k].detach().clone().requires_grad_(True) for k in net]
    saved = ckpt["optimizer_state_dict"]
    # One torch group per saved group, over the same parameter indices; load_state_dict then
    # brings back the hyperparameters and the momentum buffers.
    groups = [{"params": [params[i] for i in g["params"]]} for g in saved["param_groups"]]
    opt = torch.optim.SGD(groups, lr=saved["param_groups"][0]["lr"])
    opt.load_state_dict(saved)
    loaded = opt.state_dict()
    # state_dict() holds the live buffers, which step() updates in place: read them out first.
    state_keys = sorted(loaded["state"])
    momentum_buffers = [flat(loaded["state"][i]["momentum_buffer"]) for i in state_keys]
    for p in params:
        p.grad = torch.ones_like(p)
    opt.step()
    return {
        "keys": sorted(ckpt),
        "net": {k: {"shape": list(v.shape), "dtype": str(v.dtype), "values": flat(v)} for k, v in net.items()},
        "epoch": ckpt["epoch"],
        "acc": ckpt["acc"],
        "metrics": ckpt["metrics"],
        "state_keys": state_keys,
        "momentum_buffers": momentum_buffers,
        "group_hyperparameters": [{k: v for k, v in g.items() if k in ("lr", "momentum", "dampening", "weight_decay", "nesterov")} for g in loaded["param_groups"]],
        "after_step": [flat(p) for p in params],
    }


class Mlp(torch.nn.Module):
    """sg-optim's MnistMlp({hidden}) layer for layer, so the state dict keys are the same."""

    def __init__(self, hidden):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(28 * 28, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 10))

    def forward(self, x):
        return self.net(x)


def write_trainer_checkpoint():
    torch.manual_seed(0)
    model = Mlp(spec["hidden"])
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x = torch.linspace(0, 1, 2 * 28 * 28).reshape(2, 1, 28, 28)
    model(x).sum().backward()
    opt.step()
    net = model.state_dict()
    if not isinstance(net, collections.OrderedDict) or not hasattr(net, "_metadata"):
        raise SystemExit("expected nn.Module.state_dict() to be an OrderedDict with _metadata")
    torch.save({"net": net, "optimizer_state_dict": opt.state_dict(), "epoch": 3, "acc": 0.25, "metrics": {"Accuracy": 0.25, "loss": 1.5}}, spec["checkpoint"])
    with torch.no_grad():
        logits = model(x)
    return {
        "net": {k: {"shape": list(v.shape), "dtype": str(v.dtype), "values": flat(v)} for k, v in net.items()},
        "input": flat(x),
        "logits": flat(logits),
        "momentum_buffers": [flat(opt.state[p]["momentum_buffer"]) for p in model.parameters()],
    }


MODES = {"read": read_trainer_checkpoint, "write": write_trainer_checkpoint}
json.dump(MODES[spec["mode"]](), open(sys.argv[2], "w"))
