#!/usr/bin/env python3
"""PyTorch side of the torchvision parity test (src/engine/models/weights/torchParity.test.ts).

Builds torchvision's vgg16, resnet18 and resnet34 with torch.manual_seed(0) and random weights (weights=None;
BatchNorm layers get random affine weights and running statistics measured on a seeded batch), in eval mode, and
writes into OUT_DIR (default .cache/parity):
  inputs.safetensors          input_224 [1,3,224,224], input_64 [1,3,64,64]: a fixed smooth pattern, float32, NCHW
  <name>.safetensors          the model's state_dict, torchvision names (num_batches_tracked included, as torch saves it)
  <name>.logits.safetensors   logits_224 [1,1000], logits_64 [1,1000]: eval-mode outputs for the two inputs
  meta.json                   versions and timings; written last, so its presence means the folder is complete

The .safetensors files are written with struct + json (the format is an 8-byte little-endian header length, a JSON
header, then raw little-endian tensor bytes), so the `safetensors` package is not needed.
Run with Debian's python3-torch / python3-torchvision: /usr/bin/python3 scripts/torch_parity.py [OUT_DIR]
"""
import json
import math
import os
import struct
import sys
import time

import torch
import torchvision

FORMAT_VERSION = 1
MODELS = ("vgg16", "resnet18", "resnet34")
SIZES = (224, 64)
DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64"}


def write_safetensors(path, tensors, metadata=None):
    """Writes {name: tensor} as a .safetensors file; the header is padded with spaces to a multiple of 8 bytes."""
    header = {}
    offset = 0
    blobs = []
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        data = t.numpy().tobytes() if t.dtype != torch.bfloat16 else t.view(torch.int16).numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    os.replace(tmp, path)


def pattern(size):
    """A deterministic image-like input in about -2..2 (what ImageNet normalization gives), no RNG involved."""
    ys = torch.arange(size, dtype=torch.float64).view(1, size, 1) / size
    xs = torch.arange(size, dtype=torch.float64).view(1, 1, size) / size
    cs = torch.arange(3, dtype=torch.float64).view(3, 1, 1)
    x = 1.6 * torch.sin(9.0 * xs * (cs + 1) + 5.0 * ys) + 0.5 * torch.cos(23.0 * ys - 17.0 * xs * (cs + 0.5) + cs)
    return x.to(torch.float32).unsqueeze(0)


def calibrate_batchnorm(model):
    """Gives every BatchNorm non-default affine weights and running statistics measured on a seeded batch, so the
    test checks that weight/bias/running_mean/running_var each land in the right place (torch's defaults, 1/0/0/1,
    would hide a swap) and activations stay normalized, keeping the logits near 1 as in a trained network."""
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    if not bns:
        return
    for bn in bns:
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.normal_(0.0, 0.2)
        bn.reset_running_stats()
        bn.momentum = None  # cumulative average over the calibration batches
    model.train()
    for _ in range(2):
        model(torch.randn(4, 3, 128, 128))
    model.eval()


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(".cache", "parity")
    os.makedirs(out_dir, exist_ok=True)
    meta_path = os.path.join(out_dir, "meta.json")
    if os.path.exists(meta_path):
        os.remove(meta_path)
    torch.set_grad_enabled(False)
    inputs = {f"input_{s}": pattern(s) for s in SIZES}
    write_safetensors(os.path.join(out_dir, "inputs.safetensors"), inputs)
    meta = {"format": FORMAT_VERSION, "torch": torch.__version__, "torchvision": torchvision.__version__, "models": {}}
    for name in MODELS:
        t0 = time.time()
        torch.manual_seed(0)
        model = getattr(torchvision.models, name)(weights=None).eval()
        calibrate_batchnorm(model)
        t1 = time.time()
        state = model.state_dict()
        write_safetensors(os.path.join(out_dir, f"{name}.safetensors"), state, {"source": f"torchvision {name} seed 0"})
        t2 = time.time()
        logits = {f"logits_{s}": model(inputs[f"input_{s}"]) for s in SIZES}
        t3 = time.time()
        write_safetensors(os.path.join(out_dir, f"{name}.logits.safetensors"), logits)
        meta["models"][name] = {
            "params": sum(p.numel() for p in model.parameters()),
            "max_abs_logit_224": float(logits["logits_224"].abs().max()),
            "build_s": round(t1 - t0, 2),
            "save_s": round(t2 - t1, 2),
            "forward_s": round(t3 - t2, 2),
        }
        print(f"{name}: {meta['models'][name]}", flush=True)
        del model, state, logits
    with open(meta_path, "w") as f:
        json.dump(meta, f, indent=2)


if __name__ == "__main__":
    main()
