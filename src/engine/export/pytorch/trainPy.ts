// train.py of an exported folder: the studio's recipe under torchrun (DDP).
// Python source kept as a string so that the engine (browser worker and Node alike) writes it with no file access.
export const TRAIN_PY = String.raw`
"""The studio's training recipe in PyTorch, for one process or many (torchrun, DistributedDataParallel).

    python3 train.py --data dataset.zip                       # one process
    torchrun --nproc_per_node=2 train.py --data dataset.zip   # DDP: gloo on CPU, nccl on GPUs (one process each)

(Debian's torch 1.13 under Python 3.11: torchrun --redirects 9:1 --tee 9:1 --nproc_per_node=2 ..., see README.md.)

It reads the dataset zip as the studio does (image folders, a keypoints CSV, an age/gender CSV or UTKFace names;
the same seeded 80/20 split when the zip has no val split), resizes each image to the input size (Lanczos, as
sharp does), normalizes as the backbone was pretrained, freezes the trunk as the preset does, trains the head with
the task's losses and loss weights (recipe.json: optimizer, rate, batch, epochs, schedule, fine_tune, augment),
prints torch_snippets-style Report lines, keeps the best epoch's weights and writes, on rank 0, a folder the studio
reads back (weights.safetensors + studio.json + model.py) and one JSON line of metrics, as the studio's CLI does.

A model that takes face crops (studio.json's model.faceCrop) trains on the square around each image's face, as
the studio does: BlazeFace does not run here, so 'transfer-studio face-crops --data dataset.zip --out crops.json'
writes the squares and '--face-crops crops.json' reads them. Each image is cut to its square (black outside) and
resampled bilinearly at pixel centres, as the studio's cropResize does; keypoints move into the crop for the loss
and back into the whole image for the metrics.

DDP: each rank takes batch/world images of every global batch (a DistributedSampler), gradients are averaged
across ranks, so N processes step as one process with the same global batch. The last partial global batch of an
epoch is dropped, so that every step averages a full one. The frozen trunk runs every step (no feature cache).
"""
import argparse
import copy
import io
import json
import math
import os
import random
import shutil
import sys
import time
import zipfile

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import model as studio_model  # noqa: E402

IMAGE_EXT = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif")
SPLIT_ROLES = {"train": "train", "training": "train", "val": "val", "valid": "val", "validation": "val", "test": "test", "testing": "test"}
FILE_COLUMNS = ["file", "filename", "file_name", "image", "img", "image_name", "image_path", "path", "name"]
GENDERS = {"male": 0, "m": 0, "man": 0, "0": 0, "female": 1, "f": 1, "woman": 1, "1": 1}
AGE_SCALE = 80
EPS = 1e-7
OUTER_EYE_CORNERS = (36, 45)
AUGMENT_DEFAULTS = {"flip": 0.5, "scale": [0.75, 1], "rotate": 10, "brightness": 0.2, "contrast": 0.2, "saturation": 0.2, "strength": 1}
WARMUP_DIV, FINAL_DIV = 25, 1e5


def flip_68():
    p = list(range(68))

    def swap(a, b):
        p[a], p[b] = b, a
    for i in range(8):
        swap(i, 16 - i)
    for i in range(17, 22):
        swap(i, 43 - i)
    for a, b in [(31, 35), (32, 34), (36, 45), (37, 44), (38, 43), (39, 42), (40, 47), (41, 46), (48, 54), (49, 53),
                 (50, 52), (55, 59), (56, 58), (60, 64), (61, 63), (65, 67)]:
        swap(a, b)
    return p


FLIP_68 = flip_68()


# --- the dataset, read from the zip as src/engine/data does ------------------------------------------------------

def split_role(name):
    return SPLIT_ROLES.get(name.lower())


def mulberry32(seed):
    a = seed & 0xFFFFFFFF

    def rnd():
        nonlocal a
        a = (a + 0x6D2B79F5) & 0xFFFFFFFF
        t = a
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296
    return rnd


def shuffled(items, seed):
    out, rnd = list(items), mulberry32(seed)
    for i in range(len(out) - 1, 0, -1):
        j = math.floor(rnd() * (i + 1))
        out[i], out[j] = out[j], out[i]
    return out


def is_image(path):
    return path.lower().endswith(IMAGE_EXT) and not os.path.basename(path).startswith(".") and "__MACOSX/" not in path


def read_csv(text):
    import csv
    return [row for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row)]


def split_in_name(path):
    import re
    base = re.sub(r"\.csv$", "", os.path.basename(path), flags=re.I)
    return next((t for t in re.split(r"[^A-Za-z]+", base) if split_role(t)), None)


def utk_label(path):
    import re
    m = re.match(r"^(\d{1,3})_([01])_\d", os.path.basename(path))
    return (int(m.group(1)), int(m.group(2))) if m else None


def scan(zip_path):
    """The zip's task and labelled items ({path, split, label|points|age+gender, width, height}), sorted by path."""
    z = zipfile.ZipFile(zip_path)
    names = [n for n in z.namelist() if not n.endswith("/")]
    images = sorted(n for n in names if is_image(n))
    tables = {n: read_csv(z.read(n).decode("utf-8-sig")) for n in names if n.lower().endswith(".csv") and "__MACOSX/" not in n}
    by_name = {}
    for p in images:
        by_name.setdefault(os.path.basename(p), []).append(p)

    def find(name, csv_dir, split):
        for t in [split and f"{csv_dir}{split}/{name}", f"{csv_dir}{name}", name]:
            if t and t in z.NameToInfo:
                return t
        hits = by_name.get(os.path.basename(name), [])
        return hits[0] if len(hits) == 1 else None

    def size_of(path):
        with Image.open(io.BytesIO(z.read(path))) as im:
            return im.size

    items, task, classes = [], None, None
    for csv_path, rows in sorted(tables.items()):
        header = [c.strip().lower() for c in rows[0]]
        csv_dir = csv_path[: csv_path.rfind("/") + 1]
        cols = (next((i for i, c in enumerate(header) if c in FILE_COLUMNS), -1), header.index("age") if "age" in header else -1,
                next((i for i, c in enumerate(header) if c in ("gender", "sex")), -1))
        if min(cols) >= 0:
            task = "age-gender"
            for row in rows[1:]:
                path = find(row[cols[0]].strip(), csv_dir, split_in_name(csv_path))
                if not path:
                    continue
                top = path.split("/")[0]
                split = top if "/" in path and split_role(top) else (split_in_name(csv_path) or "train")
                items.append({"path": path, "split": split, "age": float(row[cols[1]]), "gender": GENDERS[row[cols[2]].strip().lower()]})
            continue
        has_header = not is_image(rows[0][0])
        data = rows[1:] if has_header else rows
        good = [r for r in data if is_image(r[0]) and len(r) >= 3]
        if not good or len(good) < 0.5 * len(data):
            continue
        task = "keypoints"
        split = split_in_name(csv_path)
        for row in good:
            path = find(row[0].strip(), csv_dir, split)
            if not path:
                continue
            w, h = size_of(path)
            values = [float(v) for v in row[1:]]
            points = [min(max(v / (w if k % 2 == 0 else h), 0), 1) for k, v in enumerate(values)]
            items.append({"path": path, "split": split or "train", "points": points, "width": w, "height": h})
    if task is None:
        split_mode = any(len(p.split("/")) >= 3 and split_role(p.split("/")[0]) for p in images)
        utk = [p for p in images if utk_label(p)]
        folders = []
        for p in images:
            s = p.split("/")
            if split_mode and len(s) >= 3 and split_role(s[0]):
                folders.append((p, s[0], s[1]))
            elif not split_mode and len(s) >= 2 and not split_role(s[0]):
                folders.append((p, "train", s[0]))
        if images and len(utk) >= 0.75 * len(images) and len({c for _, _, c in folders}) < 2:
            task = "age-gender"
            for p in utk:
                age, gender = utk_label(p)
                top = p.split("/")
                items.append({"path": p, "split": top[0] if len(top) >= 2 and split_role(top[0]) else "train", "age": float(age), "gender": gender})
        elif folders:
            classes = sorted({c for _, _, c in folders})
            task = "classification"
            items = [{"path": p, "split": s, "label": classes.index(c)} for p, s, c in folders]
    if task is None:
        raise SystemExit(f"{zip_path}: no dataset layout recognised: expected <split>/<class>/ image folders, a keypoints CSV, an age/gender CSV or UTKFace file names")
    items.sort(key=lambda i: i["path"])
    return z, task, classes, items


def split_items(items, seed=42, val_fraction=0.2):
    """The zip's splits by role; without a val split, a seeded share of train per class (splitDataset.ts)."""
    by = {"train": [], "val": [], "test": []}
    for item in items:
        by[split_role(item["split"]) or "train"].append(item)
    if by["val"]:
        return by
    groups = {}
    for item in by["train"]:
        key = item.get("label", item.get("gender", ""))
        groups.setdefault(key, []).append(item)
    train, val = [], []
    for key in sorted(groups):
        mixed = shuffled(groups[key], seed)
        cut = int(math.floor(len(mixed) * val_fraction + 0.5))
        val += mixed[:cut]
        train += mixed[cut:]
    return {"train": sorted(train, key=lambda i: i["path"]), "val": sorted(val, key=lambda i: i["path"]), "test": by["test"]}


class ZipImages(torch.utils.data.Dataset):
    """Items of a split as (raw RGB 0..255 NCHW float, targets); augmented when augment is given."""

    def __init__(self, zip_path, items, size, task, num_classes, augment=None, seed=0):
        self.zip_path, self.items, self.size, self.task, self.num_classes = zip_path, items, size, task, num_classes
        self.augment, self.seed, self.epoch, self.zip = augment, seed, 0, None

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        if self.zip is None:
            self.zip = zipfile.ZipFile(self.zip_path)
        item = self.items[i]
        with Image.open(io.BytesIO(self.zip.read(item["path"]))) as im:
            if "crop" in item:
                x = crop_resize(im.convert("RGB"), item["crop"], self.size)
            else:
                im = im.convert("RGB").resize((self.size, self.size), Image.LANCZOS)
                x = torch.frombuffer(bytearray(im.tobytes()), dtype=torch.uint8).reshape(self.size, self.size, 3).permute(2, 0, 1).float()
        points = torch.tensor(item["points"]) if "points" in item else None
        if self.augment is not None:
            x, points = augment_image(x, points, self.augment, random.Random(self.seed * 1_000_003 + self.epoch * 10_007 + i))
        return x, targets_of(item, self.task, self.num_classes, points), i


def crop_resize(im, square, size):
    """The square [x, y, side] of an RGB image resampled to size² as the studio's cropResize (data/faceCrop.ts): bilinear
    at pixel centres, black outside, blended in at the edges (grid_sample's zero padding). Raw 0..255 CHW float."""
    x0, y0, side = square
    w, h = im.size
    pixels = torch.frombuffer(bytearray(im.tobytes()), dtype=torch.uint8).reshape(h, w, 3).permute(2, 0, 1).float()
    centres = (torch.arange(size, dtype=torch.float64) + 0.5) * (side / size)
    gx, gy = (2 * (x0 + centres) / w - 1).float(), (2 * (y0 + centres) / h - 1).float()
    ys, xs = torch.meshgrid(gy, gx, indexing="ij")
    out = F.grid_sample(pixels[None], torch.stack([xs, ys], -1)[None], mode="bilinear", padding_mode="zeros", align_corners=False)[0]
    return out.round().clamp(0, 255)


def read_face_crops(file, items, data, spec):
    """Each item moved into its square from face-crops' JSON (cropItem in data/faceCrop.ts): keypoints in crop
    coordinates (x/side, y/side), the image's own size and points kept under "original" for the metrics."""
    write = f"transfer-studio face-crops --data {data} --scale {spec['scale']} --shift {spec['shift']} --out {file}"
    try:
        with open(file) as f:
            found = json.load(f)
        crops, their = found["crops"], found["spec"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise SystemExit(f"--face-crops {file}: not a file face-crops wrote ({e}); write it with: {write}")
    if any(abs(float(their[k]) - float(spec[k])) > 1e-9 for k in ("scale", "shift")):
        raise SystemExit(f"--face-crops {file}: its squares are for scale {their['scale']}, shift {their['shift']}; this model takes "
                         f"scale {spec['scale']}, shift {spec['shift']}: write it again with: {write}")
    missing = [item["path"] for item in items if item["path"] not in crops]
    if missing:
        raise SystemExit(f"--face-crops {file} has no square for {len(missing)} images of {data} ({', '.join(missing[:3])}"
                         f"{', …' if len(missing) > 3 else ''}): write it from this zip with: {write}")
    for item in items:
        x, y, side = (float(v) for v in crops[item["path"]])
        item["crop"] = [x, y, side]
        if "points" in item:
            w, h = item["width"], item["height"]
            item["original"] = {"points": item["points"], "width": w, "height": h}
            item["points"] = [(p * w - x) / side if k % 2 == 0 else (p * h - y) / side for k, p in enumerate(item["points"])]
            item["width"] = item["height"] = side
    return items


def uncropped(item, row):
    """Predicted points and the truth, in x/width, y/height of the whole image (an item in a face crop: moved back)."""
    if "original" not in item:
        return row, item["points"], item["width"], item["height"]
    x, y, side = item["crop"]
    o = item["original"]
    back = [(x + p * side) / o["width"] if k % 2 == 0 else (y + p * side) / o["height"] for k, p in enumerate(row)]
    return back, o["points"], o["width"], o["height"]


def targets_of(item, task, num_classes, points=None):
    if task == "classification":
        return (torch.tensor([float(item["label"])]),) if num_classes == 2 else (F.one_hot(torch.tensor(item["label"]), num_classes).float(),)
    if task == "keypoints":
        return (points if points is not None else torch.tensor(item["points"]),)
    return torch.tensor([item["age"] / AGE_SCALE]), torch.tensor([float(item["gender"])])


def augment_image(x, points, options, rnd):
    """Flip, random resized crop and rotation as one affine map (points move with it), then colour jitter (augment.ts)."""
    o = {**AUGMENT_DEFAULTS, **{k: v for k, v in options.items() if v is not None}}
    k = o["strength"]
    flipped = rnd.random() < o["flip"]
    area = 1 - (1 - rnd.uniform(*o["scale"])) * k
    side = math.sqrt(min(max(area, 0.05), 1))
    ox, oy = rnd.uniform(0, 1 - side), rnd.uniform(0, 1 - side)
    angle = math.radians(rnd.uniform(-o["rotate"], o["rotate"]) * k)

    def mat(a, b, c, d, e, f):
        return torch.tensor([[a, b, c], [d, e, f], [0, 0, 1]], dtype=torch.float64)
    flip = mat(-1, 0, 1, 0, 1, 0) if flipped else torch.eye(3, dtype=torch.float64)
    crop = mat(1 / side, 0, -ox / side, 0, 1 / side, -oy / side)
    c, s = math.cos(angle), math.sin(angle)
    rot = mat(1, 0, 0.5, 0, 1, 0.5) @ mat(c, -s, 0, s, c, 0) @ mat(1, 0, -0.5, 0, 1, -0.5)
    forward = rot @ crop @ flip  # input 0..1 coordinates -> output 0..1 coordinates
    to_n = mat(2, 0, -1, 0, 2, -1)
    theta = (to_n @ torch.linalg.inv(forward) @ torch.linalg.inv(to_n))[:2].float()
    grid = F.affine_grid(theta[None], [1, 3, *x.shape[1:]], align_corners=False)
    x = F.grid_sample(x[None], grid, mode="bilinear", padding_mode="zeros", align_corners=False)[0]
    b = 1 + rnd.uniform(-1, 1) * o["brightness"] * k
    ct = 1 + rnd.uniform(-1, 1) * o["contrast"] * k
    sat = 1 + rnd.uniform(-1, 1) * o["saturation"] * k
    x = x * b
    x = (x - x.mean()) * ct + x.mean()
    luma = (0.299 * x[0] + 0.587 * x[1] + 0.114 * x[2])[None]
    x = ((x - luma) * sat + luma).clamp(0, 255)
    if points is not None:
        p = points.view(-1, 2).double()
        if flipped and p.shape[0] == 68:
            p = p[FLIP_68]
        p = torch.cat([p, torch.ones(len(p), 1, dtype=torch.float64)], 1) @ forward.T
        points = p[:, :2].reshape(-1).float()
    return x, points


# --- losses and metrics (src/engine/train/losses.ts, src/engine/tasks) --------------------------------------------

def bce(p, y, class_weights=None):
    p = p.clamp(EPS, 1 - EPS)
    rows = -(y * p.log() + (1 - y) * (1 - p).log()).mean(-1)
    if class_weights is None:
        return rows.mean()
    w = y[:, 0] * class_weights[1] + (1 - y[:, 0]) * class_weights[0]
    return (rows * w).sum() / w.sum()


def categorical_cross_entropy(p, y, class_weights=None):
    rows = -(y * p.clamp(EPS, 1 - EPS).log()).sum(-1)
    if class_weights is None:
        return rows.mean()
    w = (y * torch.tensor(class_weights, device=y.device)).sum(-1)
    return (rows * w).sum() / w.sum()


def l1(p, y, class_weights=None):
    return (p - y).abs().mean()


def task_losses(task, ctx, num_classes):
    """One (name, loss, weight) per model output, in output order."""
    if task == "classification":
        cw = ctx.get("classWeights")
        loss = bce if num_classes == 2 else categorical_cross_entropy
        return [("loss", lambda p, y: loss(p, y, cw), 1.0)]
    if task == "keypoints":
        return [("loss", l1, 1.0)]
    w = {"age": 1, "gender": 1, **(ctx.get("lossWeights") or {})}
    return [("age", l1, float(w["age"])), ("gender", bce, float(w["gender"]))]


def nme(pred, truth, width, height):
    n = len(truth) // 2
    total = sum(math.hypot((pred[2 * k] - truth[2 * k]) * width, (pred[2 * k + 1] - truth[2 * k + 1]) * height) for k in range(n))
    a, b = OUTER_EYE_CORNERS
    iod = math.hypot((truth[2 * a] - truth[2 * b]) * width, (truth[2 * a + 1] - truth[2 * b + 1]) * height)
    return total / n / iod if iod > 0 else float("nan")


def metrics_of(task, num_classes, items, outputs):
    """The studio's metrics (accuracy | nme, maePx | ageMae, genderAccuracy) from outputs[k][i] rows."""
    n = len(items)
    if task == "classification":
        right = 0
        for item, row in zip(items, outputs[0]):
            probs = [1 - row[0], row[0]] if num_classes == 2 else row
            right += int(max(range(len(probs)), key=lambda c: (probs[c], -c)) == item["label"])
        return {"accuracy": right / n}
    if task == "keypoints":
        nmes, abs_px, coords = [], 0.0, 0
        for item, row in zip(items, outputs[0]):
            row, truth, width, height = uncropped(item, row)
            abs_px += sum(abs(row[c] - t) * (width if c % 2 == 0 else height) for c, t in enumerate(truth))
            coords += len(truth)
            e = nme(row, truth, width, height)
            if math.isfinite(e):
                nmes.append(e)
        return {"nme": sum(nmes) / len(nmes), "maePx": abs_px / coords}
    age = sum(abs(a[0] * AGE_SCALE - item["age"]) for item, a in zip(items, outputs[0])) / n
    gender = sum(int((g[0] >= 0.5) == (item["gender"] == 1)) for item, g in zip(items, outputs[1])) / n
    return {"ageMae": age, "genderAccuracy": gender}


PRIMARY = {"classification": ("accuracy", True), "keypoints": ("nme", False), "age-gender": ("ageMae", False)}


# --- freezing, fine_tune and learning rates (src/engine/models/freeze.ts, src/engine/train/fineTune.ts) -----------

def within(path, module):
    return module == "" or path == module or path.startswith(module + ".")


def leaf_modules(net):
    """Modules that own parameters, in registration (= forward) order, with their paths."""
    return [(name, m) for name, m in net.named_modules() if any(True for _ in m.parameters(recurse=False))]


def set_trainable(net, module, trainable):
    hits = [m for name, m in leaf_modules(net) if within(name, module)]
    if not hits and module not in dict(net.named_modules()):
        raise SystemExit(f"No module '{module}' in {net.backbone}+{net.preset}")
    for m in hits:
        for p in m.parameters(recurse=False):
            p.requires_grad_(trainable)


def apply_freezing(net, studio):
    ops = [] if net.preset == "original" else [{"op": "freeze", "path": n} for n in net.trunk_names]
    for op in ops + list(studio["model"].get("freezeOps") or []):
        set_trainable(net, op["path"], op["op"] == "unfreeze")


def unfreeze_for_fine_tune(net, options):
    leaves = leaf_modules(net)
    start = 0
    if options.get("unfreezeFrom"):
        start = next((i for i, (n, _) in enumerate(leaves) if within(n, options["unfreezeFrom"])), -1)
        if start < 0:
            raise SystemExit(f"--unfreeze-from: no module '{options['unfreezeFrom']}'")
    for i, (_, m) in enumerate(leaves):
        if isinstance(m, nn.BatchNorm2d):
            if options.get("trainBn"):
                m.requires_grad_(True)
        elif i >= start:
            m.requires_grad_(True)


def train_mode(net):
    """Training mode, except frozen BatchNorm, which runs on its statistics (Keras 2 semantics, layers/batchNorm.ts)."""
    net.train()
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d) and not m.weight.requires_grad:
            m.eval()


def lr_groups(net, lr_ratio):
    """fastai's discriminative rates: children of the smallest module holding every training trunk layer, then the head."""
    head = {id(p) for m in net.head_modules() for p in m.parameters()}
    training = [(n, m) for n, m in leaf_modules(net) if any(p.requires_grad for p in m.parameters(recurse=False))]
    chains = [[".".join(n.split(".")[: k + 1]) for k in range(len(n.split(".")))] for n, m in training
              if not any(id(p) in head for p in m.parameters(recurse=False))]
    depth = 0
    while chains and all(len(c) > depth + 1 and c[depth] == chains[0][depth] for c in chains):
        depth += 1
    keys, params = [], {}
    for n, m in training:
        own = [p for p in m.parameters(recurse=False) if p.requires_grad]
        key = "head" if id(own[0]) in head else [".".join(n.split(".")[: k + 1]) for k in range(len(n.split(".")))][depth]
        if key not in params:
            keys.append(key)
            params[key] = []
        params[key] += own
    ordered = [k for k in keys if k != "head"] + [k for k in keys if k == "head"]
    n = len(ordered)
    return [{"name": k, "params": params[k], "multiplier": 1 if n == 1 else lr_ratio ** (-(n - 1 - i) / (n - 1))} for i, k in enumerate(ordered)]


def schedule_multiplier(name, t):
    def cos(a, b, p):
        return b + (a - b) * (1 + math.cos(math.pi * p)) / 2
    if name == "one-cycle":
        return cos(1 / WARMUP_DIV, 1, t / 0.25) if t < 0.25 else cos(1, 1 / FINAL_DIV, (t - 0.25) / 0.75)
    if name == "cosine":
        return 1 / WARMUP_DIV + (1 - 1 / WARMUP_DIV) * (t / 0.1) if t < 0.1 else cos(1, 1 / FINAL_DIV, (t - 0.1) / 0.9)
    return 1.0


def make_optimizer(name, groups, lr):
    params = [{"params": g["params"], "lr": lr * g["multiplier"], "multiplier": g["multiplier"]} for g in groups]
    return torch.optim.Adam(params, lr=lr, eps=1e-7) if name == "adam" else torch.optim.SGD(params, lr=lr)


# --- the run -----------------------------------------------------------------------------------------------------

def parse_args(recipe, studio):
    p = argparse.ArgumentParser(description="Train the exported model with the studio's recipe (torchrun for several processes).")
    p.add_argument("--data", required=True, help="the dataset zip")
    p.add_argument("--epochs", type=int, default=recipe.get("epochs", 5))
    p.add_argument("--size", type=int, default=studio["inputSize"], help="square input side in pixels")
    p.add_argument("--batch", type=int, default=recipe.get("batchSize", 32), help="global batch: split evenly over the processes")
    p.add_argument("--lr", type=float, default=recipe.get("learningRate", 1e-3))
    p.add_argument("--optimizer", choices=["adam", "sgd"], default=recipe.get("optimizer", "adam"))
    p.add_argument("--schedule", choices=["constant", "one-cycle", "cosine"], default=recipe.get("schedule", "constant"))
    p.add_argument("--seed", type=int, default=recipe.get("seed", 42))
    p.add_argument("--fine-tune", dest="fine_tune", action="store_true", default=bool(recipe.get("fineTune")))
    p.add_argument("--no-fine-tune", dest="fine_tune", action="store_false")
    p.add_argument("--freeze-epochs", type=int, default=(recipe.get("fineTune") or {}).get("freezeEpochs", 1))
    p.add_argument("--unfreeze-from", default=(recipe.get("fineTune") or {}).get("unfreezeFrom"))
    p.add_argument("--lr-ratio", type=float, default=(recipe.get("fineTune") or {}).get("lrRatio", 100))
    p.add_argument("--train-bn", action="store_true", default=(recipe.get("fineTune") or {}).get("trainBn", False))
    p.add_argument("--augment", action="store_true", default=recipe.get("augment") is not None)
    p.add_argument("--weights", default=os.path.join(HERE, "weights.safetensors"), help="the weights to start from")
    p.add_argument("--out", default=os.path.join(HERE, "trained"), help="folder for weights.safetensors, studio.json and model.py")
    p.add_argument("--face-crops", metavar="FILE", help="the squares 'transfer-studio face-crops --data ZIP --out FILE' wrote "
                   "(required when studio.json's model takes face crops)")
    p.add_argument("--max-train", type=int, default=0, help="train on at most this many images, evenly spaced (a quick check)")
    p.add_argument("--no-dropout", action="store_true",
                   help="turn the head's Dropout off: its masks are drawn per process, so only without it do N processes step exactly as one")
    p.add_argument("--workers", type=int, default=0, help="DataLoader workers per process")
    p.add_argument("--threads", type=int, default=0, help="torch threads per process (default: the cores over the local processes)")
    return p.parse_args()


def main():
    studio = studio_model.read_studio(HERE)
    with open(os.path.join(HERE, "recipe.json")) as f:
        recipe = json.load(f)
    args = parse_args(recipe, studio)

    distributed = "WORLD_SIZE" in os.environ
    cuda = torch.cuda.is_available()
    if distributed:
        dist.init_process_group("nccl" if cuda else "gloo")
    rank, world = (dist.get_rank(), dist.get_world_size()) if distributed else (0, 1)
    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    device = torch.device(f"cuda:{local_rank}" if cuda else "cpu")
    if cuda:
        torch.cuda.set_device(device)
    local_world = int(os.environ.get("LOCAL_WORLD_SIZE", 1))
    torch.set_num_threads(args.threads or max(1, (os.cpu_count() or 1) // local_world))
    if args.batch % world:
        raise SystemExit(f"--batch {args.batch} does not split over {world} processes evenly")
    torch.manual_seed(args.seed + rank)  # Dropout masks differ per rank, as they would per image
    log = (lambda *a: print(*a, flush=True)) if rank == 0 else (lambda *a: None)
    log(f"rank 0 of {world} ({'nccl' if cuda else 'gloo' if distributed else 'single process'}) on {device}")
    if distributed:
        print(f"rank {rank} started", file=sys.stderr, flush=True)

    _, task, classes, items = scan(args.data)
    if task != studio["task"]:
        raise SystemExit(f"{args.data} holds '{task}' data; this model was exported for '{studio['task']}'")
    ctx = dict(studio.get("ctx") or {})
    if task == "classification":
        if len(classes) != len(ctx.get("classes") or []):
            raise SystemExit(f"{args.data} has {len(classes)} classes {classes}; the exported head has {len(ctx.get('classes') or [])} "
                             "(export again with --classes)")
        ctx["classes"] = classes
    num_classes = len(classes) if classes else 0
    face_crop = studio["model"].get("faceCrop")
    if face_crop and not args.face_crops:
        raise SystemExit(f"--face-crops FILE is required: this model takes face crops (studio.json model.faceCrop: scale {face_crop['scale']}, "
                         f"shift {face_crop['shift']}) and BlazeFace does not run here; write the squares with 'transfer-studio face-crops "
                         f"--data {args.data} --scale {face_crop['scale']} --shift {face_crop['shift']} --out face-crops.json' "
                         "and pass --face-crops face-crops.json")
    if args.face_crops and not face_crop:
        raise SystemExit(f"--face-crops {args.face_crops}: this model takes whole images (studio.json has no model.faceCrop)")
    if face_crop:
        items = read_face_crops(args.face_crops, items, args.data, face_crop)
    splits = split_items(items)
    if args.max_train:
        splits["train"] = splits["train"][:: max(1, math.ceil(len(splits["train"]) / args.max_train))]
    if not splits["train"] or not splits["val"]:
        raise SystemExit(f"{args.data}: no train or val images")

    net = studio_model.load_weights(studio_model.build_model(studio), args.weights).to(device)
    apply_freezing(net, studio)
    if args.no_dropout:
        for m in net.modules():
            if isinstance(m, nn.Dropout):
                m.p = 0.0
    losses = task_losses(task, ctx, num_classes)
    studio_p = dict(studio, inputSize=args.size)

    def preprocess(x):
        return studio_model.preprocess(x, studio_p)

    augment = (recipe.get("augment") or {}) if args.augment else None
    train_set = ZipImages(args.data, splits["train"], args.size, task, num_classes, augment, args.seed)
    # One process too: the same permutation (seed + epoch), so that N processes see the same global batches as one.
    sampler = torch.utils.data.DistributedSampler(train_set, world, rank, shuffle=True, seed=args.seed, drop_last=True)
    per_rank = args.batch // world
    loader = torch.utils.data.DataLoader(train_set, per_rank, sampler=sampler, drop_last=True, num_workers=args.workers)
    if len(loader) == 0:
        raise SystemExit(f"--batch {args.batch} is more than the {len(train_set)} training images")

    def forward(x):
        out = model(preprocess(x.to(device)))
        return out if isinstance(out, tuple) else (out,)

    def evaluate(split_items_):
        """Loss and metrics of a split, sharded over the ranks and gathered."""
        net.eval()
        mine = list(range(rank, len(split_items_), world))
        ds = ZipImages(args.data, [split_items_[i] for i in mine], args.size, task, num_classes)
        rows, loss_sum = [], 0.0
        with torch.no_grad():
            for x, ys, idx in torch.utils.data.DataLoader(ds, max(per_rank, 16), num_workers=args.workers):
                outs = net(preprocess(x.to(device)))
                outs = outs if isinstance(outs, tuple) else (outs,)
                loss = sum(w * fn(o, y.to(device)) for (_, fn, w), o, y in zip(losses, outs, ys))
                loss_sum += float(loss) * len(x)
                for j, i in enumerate(idx.tolist()):
                    rows.append((mine[i], [o[j].tolist() for o in outs]))
        gathered = [None] * world
        if distributed:
            dist.all_gather_object(gathered, (rows, loss_sum))
        else:
            gathered = [(rows, loss_sum)]
        rows = sorted(r for g in gathered for r in g[0])
        outputs = [[r[1][k] for r in rows] for k in range(len(losses))]
        return {"n": len(rows), **metrics_of(task, num_classes, split_items_, outputs)}, sum(g[1] for g in gathered) / len(rows)

    freeze_epochs = min(args.freeze_epochs, args.epochs) if args.fine_tune else 0
    phases = [(1, freeze_epochs), (freeze_epochs + 1, args.epochs)] if freeze_epochs else [(1, args.epochs)]
    metric, higher = ("loss", False) if len(losses) > 1 else PRIMARY[task]
    best = {"value": None, "epoch": 0, "val": None, "state": None}
    started = time.time()
    model = net
    history = []
    start_val_loss = evaluate(splits["val"])[1]
    log(f"EPOCH: 0.000  val_loss: {start_val_loss:.3f}  (before training)")
    for phase_index, (first, last) in enumerate(phases):
        if first > last:
            continue
        if args.fine_tune and (phase_index == 1 or freeze_epochs == 0):
            unfreeze_for_fine_tune(net, {"unfreezeFrom": args.unfreeze_from, "trainBn": args.train_bn})
        groups = lr_groups(net, args.lr_ratio) if args.fine_tune and (phase_index == 1 or freeze_epochs == 0) else \
            [{"name": "all", "params": [p for p in net.parameters() if p.requires_grad], "multiplier": 1}]
        model = nn.parallel.DistributedDataParallel(net, device_ids=[local_rank] if cuda else None) if distributed else net
        optimizer = make_optimizer(args.optimizer, groups, args.lr)
        steps = (last - first + 1) * len(loader)
        step = 0
        if len(groups) > 1:
            log("fine_tune phase 2: " + ", ".join(f"{g['name']} lr {args.lr * g['multiplier']:.2e}" for g in groups))
        for epoch in range(first, last + 1):
            sampler.set_epoch(epoch)
            train_set.epoch = epoch
            train_mode(net)
            sums, count, window, last_record = {}, 0, {}, 0
            for b, (x, ys, _) in enumerate(loader):
                for g in optimizer.param_groups:
                    g["lr"] = args.lr * g["multiplier"] * schedule_multiplier(args.schedule, step / steps)
                outs = forward(x)
                parts = [fn(o, y.to(device)) for (_, fn, _), o, y in zip(losses, outs, ys)]
                loss = sum(w * part for (_, _, w), part in zip(losses, parts))
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                step += 1
                values = torch.tensor([float(loss)] + [float(p) for p in parts]) if len(parts) > 1 else torch.tensor([float(loss)])
                if distributed:
                    dist.all_reduce(values)
                    values /= world
                names = ["trn_loss"] + ([f"trn_{n}_loss" for n, _, _ in losses] if len(parts) > 1 else [])
                for n, v in zip(names, values.tolist()):
                    sums[n] = sums.get(n, 0) + v
                    window[n] = window.get(n, 0) + v
                count += 1
                pos = epoch - 1 + (b + 1) / len(loader)
                if (b + 1) % max(1, len(loader) // 4) == 0 and b + 1 < len(loader):
                    # A record: the mean of the steps since the last one, as torch_snippets' Report shows it.
                    elapsed, steps_in = time.time() - started, (b + 1) - last_record
                    log(f"EPOCH: {pos:.3f}  " + "  ".join(f"{n}: {v / steps_in:.3f}" for n, v in window.items())
                        + f"  ({elapsed:.2f}s - {(args.epochs - pos) / pos * elapsed:.2f}s remaining)")
                    window, last_record = {}, b + 1
            val, val_loss = evaluate(splits["val"])
            averages = {n: s / count for n, s in sums.items()}
            averages["val_loss"] = val_loss
            history.append(averages)
            value = val_loss if metric == "loss" else val[metric]
            is_best = best["value"] is None or (value > best["value"] if higher else value < best["value"])
            if is_best:
                best.update(value=value, epoch=epoch, val=val, state={k: v.detach().cpu().clone() for k, v in studio_model.state_dict_to_save(net).items()})
            elapsed = time.time() - started
            log(f"EPOCH: {epoch:.3f}  " + "  ".join(f"{n}: {v:.3f}" for n, v in averages.items())
                + "".join(f"  val_{k}: {v:.3f}" for k, v in val.items() if k != "n")
                + f"  ({elapsed:.2f}s - {(args.epochs - epoch) / epoch * elapsed:.2f}s remaining)" + ("  *best" if is_best else ""))

    net.load_state_dict(best["state"], strict=False)
    test = evaluate(splits["test"])[0] if splits["test"] else None
    if rank == 0:
        os.makedirs(args.out, exist_ok=True)
        studio_model.save_file(best["state"], os.path.join(args.out, "weights.safetensors"), {"format": "pt", "producer": "transfer-studio train.py"})
        metrics = {**{f"val_{k}": v for k, v in best["val"].items() if k != "n"}, **({f"test_{k}": v for k, v in test.items() if k != "n"} if test else {})}
        out_studio = dict(studio, ctx=ctx, inputSize=args.size, model=dict(studio["model"], inputSize=args.size), metrics=metrics,
                          created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        with open(os.path.join(args.out, "studio.json"), "w") as f:
            json.dump(out_studio, f, indent=2)
        for name in ("model.py", "recipe.json"):
            if os.path.abspath(args.out) != HERE:
                shutil.copy(os.path.join(HERE, name), os.path.join(args.out, name))
        summary = {"task": task, "model": f"{net.backbone}+{net.preset}", "bestEpoch": best["epoch"], "val": best["val"],
                   **({"test": test} if test else {}), "processes": world, "startValLoss": start_val_loss, "history": history}
        print(json.dumps(summary), flush=True)
    if distributed:
        # Every collective is done once all ranks pass this barrier. torch 1.13's gloo teardown (and, seen here, a
        # rank waiting in it for a peer that already left) can hang: the processes leave without it.
        dist.barrier()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


if __name__ == "__main__":
    main()
`;
