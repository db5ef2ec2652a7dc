#!/usr/bin/env python3
"""The book's frozen-backbone cats-vs-dogs recipe in PyTorch on the CPU: the baseline for `npm run bench`.

Recipe (Modern Computer Vision with PyTorch, transfer learning chapter): 224x224 RGB, ImageNet mean/std, a
torchvision backbone with every parameter frozen, the book's head (avgpool = AdaptiveAvgPool2d(1); classifier =
Flatten -> Linear(C, 128) -> ReLU -> Dropout(0.2) -> Linear(128, 1) -> Sigmoid; C = 512 for vgg16, 960 for
mobilenet_v3_large), BCELoss, Adam lr 1e-3, batch 32, 5 epochs, DataLoader(shuffle=True, drop_last=True) that
decodes every JPEG again each epoch (num_workers=0, the book's default). Data: cats-dogs.zip, train/ (300) for
training and test/ (100) as validation. Each epoch: one pass of train_batch over train, then the accuracy pass
over val (`model.eval()`, no_grad). The book's loop also re-runs accuracy over train each epoch; that pass is
reported apart (`book_loop_s`) and left out of `wall_s`, so the baseline is the lean loop the studio also runs.

Weights: random init (`weights=None`): there is no internet here to fetch torchvision's pretrained weights, and
wall time does not depend on weight values.

Timing: by default a prefix is measured (decode per image, train step per image, eval forward per image, over a
few full batches after a warm-up batch) and the 5-epoch wall time is projected linearly from those per-image
costs; `"projected": true` in the output says so. BENCH_FULL=1 runs all 5 epochs and reports measured times.
BENCH_QUICK=1 measures fewer batches. Prints one JSON object on stdout.

Usage: /usr/bin/python3 bench/torch_recipe.py [--zip PATH] [--backbones mobilenet_v3_large,vgg16] [--threads 2]
"""
import argparse
import json
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from torchvision import models, transforms

SIZE = 224
BATCH = 32
EPOCHS = 5
LR = 1e-3
FEATURES = {'vgg16': 512, 'mobilenet_v3_large': 960}
NORMALIZE = transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])


class CatsDogs(Dataset):
    """The book's dataset: reads, resizes and normalizes one JPEG per __getitem__ (so every epoch decodes again).
    The book reads with cv2 (INTER_LINEAR); cv2 is not installed here, so PIL with bilinear resampling."""

    def __init__(self, folder: Path):
        cats = sorted((folder / 'cats').glob('*.jpg'))
        dogs = sorted((folder / 'dogs').glob('*.jpg'))
        self.files = cats + dogs
        self.targets = [0.0] * len(cats) + [1.0] * len(dogs)

    def __len__(self):
        return len(self.files)

    def __getitem__(self, ix):
        im = Image.open(self.files[ix]).convert('RGB').resize((SIZE, SIZE), Image.BILINEAR)
        im = torch.tensor(np.asarray(im) / 255.0).permute(2, 0, 1).float()
        return NORMALIZE(im), torch.tensor([self.targets[ix]]).float()


def get_model(name: str):
    """The book's get_model: frozen pretrained trunk (random init here), new avgpool and classifier."""
    model = getattr(models, name)(weights=None)
    for p in model.parameters():
        p.requires_grad = False
    model.avgpool = nn.AdaptiveAvgPool2d(output_size=(1, 1))
    model.classifier = nn.Sequential(
        nn.Flatten(), nn.Linear(FEATURES[name], 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 1), nn.Sigmoid()
    )
    return model, nn.BCELoss(), torch.optim.Adam(model.parameters(), lr=LR)


def train_batch(x, y, model, opt, loss_fn):
    model.train()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
    opt.zero_grad()
    return loss.item()


@torch.no_grad()
def accuracy(x, y, model):
    model.eval()
    return ((model(x) > 0.5) == y).cpu().numpy().tolist()


def loaders(root: Path):
    trn = DataLoader(CatsDogs(root / 'train'), batch_size=BATCH, shuffle=True, drop_last=True)
    val = DataLoader(CatsDogs(root / 'test'), batch_size=BATCH, shuffle=True, drop_last=True)
    return trn, val


def full_run(name: str, root: Path):
    """All 5 epochs as the book runs them, timed; the train-accuracy pass timed apart."""
    torch.manual_seed(0)
    model, loss_fn, opt = get_model(name)
    trn, val = loaders(root)
    wall = extra = 0.0
    epochs = []
    for epoch in range(EPOCHS):
        t0 = time.perf_counter()
        losses = [train_batch(x, y, model, opt, loss_fn) for x, y in trn]
        val_acc = np.mean([c for x, y in val for c in accuracy(x, y, model)])
        t1 = time.perf_counter()
        trn_acc = np.mean([c for x, y in trn for c in accuracy(x, y, model)])
        t2 = time.perf_counter()
        wall += t1 - t0
        extra += t2 - t1
        epochs.append({'epoch': epoch + 1, 'seconds': round(t1 - t0, 2), 'trn_loss': float(np.mean(losses)),
                       'val_acc': float(val_acc), 'trn_acc': float(trn_acc)})
    return {'wall_s': wall, 'book_loop_s': wall + extra, 'epochs': epochs}


def stack(ds, idx):
    xs, ys = zip(*(ds[i] for i in idx))
    return torch.stack(xs), torch.stack(ys)


def prefix_run(name: str, root: Path, train_batches: int, val_batches: int):
    """Per-image costs from a few full batches after a warm-up batch, projected to 5 epochs."""
    torch.manual_seed(0)
    model, loss_fn, opt = get_model(name)
    trn, val = loaders(root)
    ds = trn.dataset
    order = torch.randperm(len(ds)).tolist()
    n_trn = len(trn) * BATCH  # drop_last
    n_val = len(val) * BATCH

    # Decode: the Dataset's own __getitem__, per image (what the DataLoader does with num_workers=0).
    t0 = time.perf_counter()
    batches = [stack(ds, order[b * BATCH:(b + 1) * BATCH]) for b in range(train_batches + 1)]
    decode_s = (time.perf_counter() - t0) / ((train_batches + 1) * BATCH)

    x, y = batches[0]
    train_batch(x, y, model, opt, loss_fn)  # warm-up: allocator, oneDNN primitive creation
    accuracy(x, y, model)
    t0 = time.perf_counter()
    for x, y in batches[1:]:
        train_batch(x, y, model, opt, loss_fn)
    step_s = (time.perf_counter() - t0) / (train_batches * BATCH)
    t0 = time.perf_counter()
    for x, y in batches[1:1 + val_batches]:
        accuracy(x, y, model)
    eval_s = (time.perf_counter() - t0) / (val_batches * BATCH)

    epoch_s = n_trn * (decode_s + step_s) + n_val * (decode_s + eval_s)
    trn_acc_s = n_trn * (decode_s + eval_s)
    return {
        'wall_s': EPOCHS * epoch_s,
        'book_loop_s': EPOCHS * (epoch_s + trn_acc_s),
        'per_image_s': {'decode': decode_s, 'train_step': step_s, 'eval_forward': eval_s},
        'measured_images': {'decode': (train_batches + 1) * BATCH, 'train_step': train_batches * BATCH,
                            'eval_forward': val_batches * BATCH},
        'images_per_epoch': {'train': n_trn, 'val': n_val},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    here = Path(__file__).resolve().parent
    ap.add_argument('--zip', default=str(here.parent.parent / 'shared' / 'datasets' / 'cats-dogs.zip'))
    ap.add_argument('--backbones', default='mobilenet_v3_large,vgg16')
    ap.add_argument('--threads', type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    full = os.environ.get('BENCH_FULL') == '1'
    quick = os.environ.get('BENCH_QUICK') == '1'
    out = {'torch': torch.__version__, 'torchvision': __import__('torchvision').__version__,
           'threads': torch.get_num_threads(), 'weights': 'random init (no internet; timing does not depend on values)',
           'projected': not full, 'epochs': EPOCHS, 'batch': BATCH, 'size': SIZE, 'results': {}}
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(args.zip) as z:
            z.extractall(tmp)
        for name in args.backbones.split(','):
            t0 = time.perf_counter()
            if full:
                r = full_run(name, Path(tmp))
            else:
                # Enough batches to average out one slow batch; the quick mode keeps to one.
                r = prefix_run(name, Path(tmp), train_batches=1 if quick else 2, val_batches=1)
            r['bench_s'] = time.perf_counter() - t0
            out['results'][name] = r
            print(f'{name}: {r["wall_s"]:.1f}s {"projected" if not full else "measured"}', file=sys.stderr)
    print(json.dumps(out))


if __name__ == '__main__':
    main()
