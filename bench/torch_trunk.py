#!/usr/bin/env python3
"""Frozen-trunk forward throughput in PyTorch on the CPU: the baseline for `npm run bench -- trunk`.

The trunk is what the studio freezes and caches: torchvision's convolutional part (vgg16 `features`, resnet18
everything before avgpool/fc, mobilenet_v3_large `features`), eval mode, no_grad, random init (no internet for
torchvision's weights; time does not depend on values). Batch 8 at 224x224, a warm-up batch, then batches until
at least --seconds have passed. Prints one JSON object: {"torch", "threads", "results": {name: img/s}}.

Usage: /usr/bin/python3 bench/torch_trunk.py [--backbones vgg16,resnet18,mobilenet_v3_large] [--threads 2]
"""
import argparse
import json
import time

import torch
import torch.nn as nn
from torchvision import models

SIZE = 224
BATCH = 8


def trunk(name: str) -> nn.Module:
    model = getattr(models, name)(weights=None)
    if name.startswith('resnet'):
        return nn.Sequential(*list(model.children())[:-2])
    return model.features


@torch.no_grad()
def images_per_second(module: nn.Module, seconds: float) -> float:
    module.eval()
    x = torch.randn(BATCH, 3, SIZE, SIZE)
    module(x)  # warm-up: allocator, oneDNN primitive creation
    n, t0 = 0, time.perf_counter()
    while n < 2 * BATCH or time.perf_counter() - t0 < seconds:
        module(x)
        n += BATCH
    return n / (time.perf_counter() - t0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--backbones', default='vgg16,resnet18,mobilenet_v3_large')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seconds', type=float, default=4.0)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    results = {name: images_per_second(trunk(name), args.seconds) for name in args.backbones.split(',')}
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'batch': BATCH, 'size': SIZE, 'results': results}))


if __name__ == '__main__':
    main()
