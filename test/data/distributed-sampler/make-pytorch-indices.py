"""Writes pytorch-indices.json: the indices torch.utils.data.DistributedSampler yields for a grid
of settings (every rank of each), which test/data/distributed-sampler.test.ts compares with
sg.data.DistributedSampler's index for index.

    /work/wt-dist/.venv-torch/bin/python test/data/distributed-sampler/make-pytorch-indices.py
"""
import json
import os

import torch
from torch.utils.data import DistributedSampler


class Sized:
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n


CONFIGS = [
    # (n, num_replicas, shuffle, seed, drop_last, epochs)
    (10, 2, True, 0, False, [0, 1, 2]),
    (10, 3, True, 0, False, [0, 5]),
    (10, 3, True, 0, True, [0, 5]),
    (10, 3, False, 0, False, [0]),
    (10, 3, False, 0, True, [0]),
    (11, 4, True, 42, False, [0, 1]),
    (11, 4, True, 42, True, [0, 1]),
    (1, 4, True, 0, False, [0]),      # padding longer than the data: repeated
    (2, 7, False, 0, False, [0]),
    (3, 8, True, 0, True, [0]),       # drop_last with fewer items than replicas: nothing
    (0, 2, True, 0, False, [0]),
    (17, 1, True, 123, False, [0, 1]),
    (100, 3, True, -5, False, [0, 3, 7]),   # negative seed + epoch, as torch wraps it
    (64, 2, True, 2**32 + 7, False, [0]),   # seeds above 32 bits: torch keeps the low 32
    (2000, 3, True, 2024, False, [0, 1]),   # several regenerations of the Mersenne Twister state
    (1000, 2, True, 7, True, [4]),
]


def main():
    cases = []
    for n, r, shuffle, seed, drop_last, epochs in CONFIGS:
        for epoch in epochs:
            for rank in range(r):
                s = DistributedSampler(Sized(n), num_replicas=r, rank=rank, shuffle=shuffle, seed=seed, drop_last=drop_last)
                s.set_epoch(epoch)
                idx = list(iter(s))
                assert len(idx) == len(s)
                cases.append({"n": n, "num_replicas": r, "rank": rank, "shuffle": shuffle, "seed": seed,
                              "drop_last": drop_last, "epoch": epoch, "length": len(s), "indices": idx})
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pytorch-indices.json")
    with open(out, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
        f.write("\n")
    print(f"{len(cases)} cases -> {out}")


if __name__ == "__main__":
    main()
