"""Writes the Python-made seeds of the fuzz corpus (test/serialize/corpus/python-*.pth; run with
PyTorch 1.13 for python-trainer.pth, with PyTorch 2.15 for python-torch2-trainer.pth): a small
training checkpoint as a PyTorch user saves one (OrderedDict state dict with a BatchNorm, an SGD
state after one step, epoch and metrics). The dtypes seed comes from dtypes.py."""
import sys

import torch

torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
net(torch.randn(4, 3)).sum().backward()
opt.step()
torch.save({"net": net.state_dict(), "optimizer_state_dict": opt.state_dict(), "epoch": 1, "acc": 0.5, "metrics": {"Accuracy": 0.5}}, sys.argv[1])
