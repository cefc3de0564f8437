"""Samples of torchvision's RandomResizedCrop.get_params / RandomCrop.get_params, drawn with torch's
RNG, summarised into test/data/torchvision-params.json (read by transforms.test.ts).

torchvision is not installed in this project's Python environment (only torch is), so the two
get_params below are torchvision's code copied verbatim (torchvision/transforms/transforms.py,
v0.15 - v0.20, unchanged in those versions): the same statements, the same torch RNG calls.
Regenerate:  .venv-torch/bin/python test/data/torchvision_params.py > test/data/torchvision-params.json
"""
import json
import math

import torch


def rrc_get_params(height, width, scale, ratio):
    area = height * width

    log_ratio = torch.log(torch.tensor(ratio))
    for _ in range(10):
        target_area = area * torch.empty(1).uniform_(scale[0], scale[1]).item()
        aspect_ratio = torch.exp(torch.empty(1).uniform_(log_ratio[0], log_ratio[1])).item()

        w = int(round(math.sqrt(target_area * aspect_ratio)))
        h = int(round(math.sqrt(target_area / aspect_ratio)))

        if 0 < w <= width and 0 < h <= height:
            i = torch.randint(0, height - h + 1, size=(1,)).item()
            j = torch.randint(0, width - w + 1, size=(1,)).item()
            return i, j, h, w

    # Fallback to central crop
    in_ratio = float(width) / float(height)
    if in_ratio < min(ratio):
        w = width
        h = int(round(w / min(ratio)))
    elif in_ratio > max(ratio):
        h = height
        w = int(round(h * max(ratio)))
    else:  # whole image
        w = width
        h = height
    i = (height - h) // 2
    j = (width - w) // 2
    return i, j, h, w


def rc_get_params(h, w, th, tw):
    if h < th or w < tw:
        raise ValueError(f"Required crop size {(th, tw)} is larger than input image size {(h, w)}")
    if w == tw and h == th:
        return 0, 0, h, w
    i = torch.randint(0, h - th + 1, size=(1,)).item()
    j = torch.randint(0, w - tw + 1, size=(1,)).item()
    return i, j, th, tw


def summary(samples, height, width, fallback):
    n = len(samples)
    cols = list(zip(*samples))
    out = {"n": n}
    for name, col in zip("ijhw", cols):
        m = sum(col) / n
        out["mean_" + name] = m
        out["std_" + name] = math.sqrt(sum((x - m) ** 2 for x in col) / (n - 1))
    lr = [math.log(s[3] / s[2]) for s in samples]
    m = sum(lr) / n
    out["mean_log_ratio"] = m
    out["std_log_ratio"] = math.sqrt(sum((x - m) ** 2 for x in lr) / (n - 1))
    area = [s[2] * s[3] / (height * width) for s in samples]
    m = sum(area) / n
    out["mean_area"] = m
    out["std_area"] = math.sqrt(sum((x - m) ** 2 for x in area) / (n - 1))
    out["area_deciles"] = [sum(1 for a in area if k / 10 < a <= (k + 1) / 10) / n for k in range(10)]
    if fallback is not None:
        out["fallback_fraction"] = sum(1 for s in samples if tuple(s) == fallback) / n
    return out


torch.manual_seed(0)
N = 20000
cases = []
for height, width, scale, ratio in [(100, 100, (0.08, 1.0), (3 / 4, 4 / 3)), (30, 200, (0.08, 1.0), (3 / 4, 4 / 3)), (28, 28, (0.5, 1.0), (0.75, 1.3333333333333333))]:
    samples = [rrc_get_params(height, width, scale, ratio) for _ in range(N)]
    # the fallback box of this image (what get_params returns after 10 failed attempts)
    in_ratio = width / height
    if in_ratio > max(ratio):
        fh, fw = height, int(round(height * max(ratio)))
    elif in_ratio < min(ratio):
        fw, fh = width, int(round(width / min(ratio)))
    else:
        fh, fw = height, width
    fallback = ((height - fh) // 2, (width - fw) // 2, fh, fw)
    cases.append({"kind": "RandomResizedCrop", "height": height, "width": width, "scale": list(scale), "ratio": list(ratio), "fallback": list(fallback), **summary(samples, height, width, fallback)})
for height, width, th, tw in [(36, 36, 32, 32), (40, 25, 20, 20)]:
    samples = [rc_get_params(height, width, th, tw) for _ in range(N)]
    s = summary(samples, height, width, None)
    s["i_counts"] = [sum(1 for x in samples if x[0] == v) / N for v in range(height - th + 1)]
    cases.append({"kind": "RandomCrop", "height": height, "width": width, "size": [th, tw], **s})
print(json.dumps({"torch": torch.__version__, "cases": cases}, indent=1))
