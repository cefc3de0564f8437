"""PyTorch side of bench/e2e.ts: the same LeNet-style CNN as sg.models.LeNet, Adam, batch 64,
one epoch over the same MNIST images (passed as a .npy-free raw float32 file), images per second."""
import json
import sys
import time

import torch
import torch.nn as nn

spec = json.loads(sys.argv[1])
torch.set_num_threads(spec["threads"])
torch.manual_seed(0)
n = spec["n"]
images = torch.frombuffer(bytearray(open(spec["images"], "rb").read()), dtype=torch.float32).reshape(n, 1, 28, 28)
labels = torch.frombuffer(bytearray(open(spec["labels"], "rb").read()), dtype=torch.int64)
model = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10),
)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
bs = spec["batch_size"]


def epoch(limit):
    seen = 0
    for b in range(0, min(n, limit), bs):
        x, y = images[b:b + bs], labels[b:b + bs]
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
        seen += x.shape[0]
    return seen


epoch(bs * 5)  # warm-up
t0 = time.perf_counter()
seen = epoch(n)
print(json.dumps({"imagesPerSecond": seen / (time.perf_counter() - t0), "torch": torch.__version__}))
