"""Writes a checkpoint with a tensor of every storage type sg.load reads, plus views that share a
storage, a scalar, empty tensors and a Parameter; prints each tensor's dtype and values as JSON."""
import collections
import json
import sys

import torch

base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
values = collections.OrderedDict(
    f32=torch.tensor([1.5, -2.0]),
    f64=torch.tensor([1e-300, 3.0], dtype=torch.float64),
    f16=torch.tensor([0.5, 65504.0], dtype=torch.float16),
    bf16=torch.tensor([1.0, -3.0e38], dtype=torch.bfloat16),
    i64=torch.tensor([2**40, -3], dtype=torch.int64),
    i32=torch.tensor([7, -2**31], dtype=torch.int32),
    i16=torch.tensor([-32768, 5], dtype=torch.int16),
    i8=torch.tensor([-128, 127], dtype=torch.int8),
    u8=torch.tensor([0, 255], dtype=torch.uint8),
    b=torch.tensor([True, False]),
    scalar=torch.tensor(2.5),
    empty=torch.zeros(0, 3),
    base=base,
    transposed=base.t(),
    strided=base[1:, ::2],
    param=torch.nn.Parameter(torch.ones(2)),
)
torch.save({"values": values}, sys.argv[1])
described = {}
for k, t in values.items():
    described[k] = {"dtype": str(t.dtype), "shape": list(t.shape), "values": t.detach().double().flatten().tolist()}
print(json.dumps(described))
