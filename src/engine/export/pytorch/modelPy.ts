// model.py of an exported folder: the studio's networks as torch.nn.Module, studio module paths as state-dict keys.
// Python source kept as a string so that the engine (browser worker and Node alike) writes it with no file access.
export const MODEL_PY = String.raw`
"""The studio's network as a torch.nn.Module whose state-dict keys are the studio's module paths.

vgg16, resnet18 and resnet34 are torchvision's own modules. mobilenet_v3 (the CenterNet MobileNetV3-Large x0.75
trunk), face_resnet (face-api's dlib ResNet), face_dense (face-api's FaceLandmark68Net) and face_xception (face-api
AgeGenderNet's TinyXception) are written out here. studio.json, beside this file, says which
backbone, head and input size the folder holds. The network takes NCHW float32 already preprocessed ("preprocess").
"""
import json
import os
import struct
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


# --- mobilenet_v3: CenterNet's MobileNetV3-Large x0.75 (TF Object Detection API) ---------------------------------
#
# Not torchvision's mobilenet_v3_large(width_mult=0.75): the output widths agree (16, 24, 32, 64, 88, 120) but
# TF scales the expansions from the scaled input (64, 72, 72, 96, ... where torchvision has 48, 56, 56, 88, ...),
# and so the squeeze-excite widths too; BatchNorm is folded into each conv's bias; padding is TF's 'same'
# (one more row and column at the bottom/right under stride 2); 1/6 is the float16 0.1666259765625 of the graph;
# the trunk ends at expanded_conv_14 (no 1x1 conv to 720, no classifier); the input is raw 0..255 pixels.

ONE_SIXTH = 0.1666259765625


def hard_swish(x):
    return x * ONE_SIXTH * F.relu6(x + 3)


def hard_sigmoid(x):
    return F.relu6(x + 3) * ONE_SIXTH


def same_pads(x, kernel, stride):
    """F.pad's (left, right, top, bottom) for TF's 'same': the odd row / column goes at the bottom / right."""
    pads = []
    for size, k, s in ((x.shape[-1], kernel[1], stride[1]), (x.shape[-2], kernel[0], stride[0])):
        total = max((-(-size // s) - 1) * s + k - size, 0)
        pads += [total // 2, total - total // 2]
    return pads


class SameConv2d(nn.Conv2d):
    """Conv2d with TF's 'same' padding (asymmetric under stride 2) and the activation TF fuses into it."""

    def __init__(self, cin, cout, kernel=1, stride=1, groups=1, act=None, bias=True):
        super().__init__(cin, cout, kernel, stride=stride, groups=groups, bias=bias)
        self.act = act

    def forward(self, x):
        x = super().forward(F.pad(x, same_pads(x, self.kernel_size, self.stride)))
        if self.act == "relu":
            return F.relu(x)
        if self.act == "hard_swish":
            return hard_swish(x)
        return x


class SqueezeExcite(nn.Module):
    def __init__(self, channels, bottleneck):
        super().__init__()
        self.Conv = SameConv2d(channels, bottleneck, act="relu")
        self.Conv_1 = SameConv2d(bottleneck, channels)

    def forward(self, x):
        s = x.mean(dim=(2, 3), keepdim=True)
        return hard_sigmoid(self.Conv_1(self.Conv(s))) * x


class InvertedResidual(nn.Module):
    def __init__(self, cin, expand, kernel, stride, se, act, cout):
        super().__init__()
        width = expand or cin
        if expand:
            self.expand = SameConv2d(cin, expand, act=act)
        self.depthwise = SameConv2d(width, width, kernel, stride, groups=width, act=act)
        if se:
            self.squeeze_excite = SqueezeExcite(width, se)
        self.project = SameConv2d(width, cout)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.expand(x) if hasattr(self, "expand") else x
        y = self.depthwise(y)
        if hasattr(self, "squeeze_excite"):
            y = self.squeeze_excite(y)
        y = self.project(y)
        return y + x if self.residual else y


# expand, kernel, stride, squeeze-excite, activation, out; as src/engine/models/backbones/mobilenetV3.ts
MOBILENET_BLOCKS = [
    (None, 3, 1, None, "relu", 16), (64, 3, 2, None, "relu", 24), (72, 3, 1, None, "relu", 24),
    (72, 5, 2, 24, "relu", 32), (96, 5, 1, 24, "relu", 32), (96, 5, 1, 24, "relu", 32),
    (192, 3, 2, None, "hard_swish", 64), (160, 3, 1, None, "hard_swish", 64), (144, 3, 1, None, "hard_swish", 64),
    (144, 3, 1, None, "hard_swish", 64), (384, 3, 1, 96, "hard_swish", 88), (528, 3, 1, 136, "hard_swish", 88),
    (528, 5, 2, 136, "hard_swish", 120), (720, 5, 1, 184, "hard_swish", 120), (720, 5, 1, 184, "hard_swish", 120),
]


def mobilenet_v3_trunk():
    modules = OrderedDict(Conv=SameConv2d(3, 16, 3, 2, act="hard_swish"))
    cin = 16
    for i, (expand, kernel, stride, se, act, cout) in enumerate(MOBILENET_BLOCKS):
        modules["expanded_conv" if i == 0 else f"expanded_conv_{i}"] = InvertedResidual(cin, expand, kernel, stride, se, act, cout)
        cin = cout
    return modules, 120


# --- face_resnet: face-api's FaceRecognitionNet (dlib), module paths = face-api's weight names -----------------

class ChannelAffine(nn.Module):
    """dlib's scale layer, x * weight + bias per channel (a BatchNorm folded to an affine map)."""

    def __init__(self, channels):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        return x * self.weight[:, None, None] + self.bias[:, None, None]


class ConvLayer(nn.Module):
    """conv (with bias) -> scale -> optional ReLU; stride-2 convs are unpadded ('valid'), stride-1 ones 'same'."""

    def __init__(self, cin, cout, kernel, down, relu):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, stride=2 if down else 1, padding=0 if down else kernel // 2)
        self.scale = ChannelAffine(cout)
        self.use_relu = relu

    def forward(self, x):
        x = self.scale(self.conv(x))
        return F.relu(x) if self.use_relu else x


class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = ConvLayer(channels, channels, 3, False, True)
        self.conv2 = ConvLayer(channels, channels, 3, False, False)

    def forward(self, x):
        return F.relu(self.conv2(self.conv1(x)) + x)


class ResidualDownBlock(nn.Module):
    """conv1 is a stride-2 'valid' 3x3; the shortcut a 2x2 average pool, zero channels appended when it widens."""

    def __init__(self, cin, cout):
        super().__init__()
        self.conv1 = ConvLayer(cin, cout, 3, True, True)
        self.conv2 = ConvLayer(cout, cout, 3, False, False)
        self.extra = cout - cin

    def forward(self, x):
        y = self.conv2(self.conv1(x))
        shortcut = F.avg_pool2d(x, 2, 2)
        if self.extra:
            shortcut = F.pad(shortcut, (0, 0, 0, 0, 0, self.extra))
        rows, cols = shortcut.shape[2] - y.shape[2], shortcut.shape[3] - y.shape[3]
        if rows > 0 or cols > 0:
            y = F.pad(y, (0, cols, 0, rows))  # face-api's zero row at the bottom, zero column at the right
        return F.relu(y + shortcut)


def face_resnet_trunk():
    m = OrderedDict(conv32_down=ConvLayer(3, 32, 7, True, True), maxpool=nn.MaxPool2d(3, 2))
    cin = 32
    for path, kind, cout in [
        ("conv32_1", "r", 32), ("conv32_2", "r", 32), ("conv32_3", "r", 32), ("conv64_down", "d", 64),
        ("conv64_1", "r", 64), ("conv64_2", "r", 64), ("conv64_3", "r", 64), ("conv128_down", "d", 128),
        ("conv128_1", "r", 128), ("conv128_2", "r", 128), ("conv256_down", "d", 256), ("conv256_1", "r", 256),
        ("conv256_2", "r", 256), ("conv256_down_out", "d", 256),
    ]:
        m[path] = ResidualBlock(cout) if kind == "r" else ResidualDownBlock(cin, cout)
        cin = cout
    return m, 256


# --- face_dense and face_xception: face-api's FaceLandmark68Net and AgeGenderNet's TinyXception ---------------
#
# Module paths are face-api's weight names ("dense2/conv1/pointwise_filter" is dense2.conv1.pointwise.weight);
# every conv and max pool pads as TF's 'same'.

class SeparableConv(nn.Module):
    """face-api's depthwise-separable conv: a 3x3 depthwise conv (no bias), then a 1x1 pointwise conv with bias."""

    def __init__(self, cin, cout, stride=1, act=None):
        super().__init__()
        self.depthwise = SameConv2d(cin, cin, 3, stride, groups=cin, bias=False)
        self.pointwise = SameConv2d(cin, cout, act=act)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))


class SameMaxPool2d(nn.Module):
    """TF's 'same' max pool: the padding (bottom / right under stride 2) is -inf, so it never wins."""

    def __init__(self, kernel, stride):
        super().__init__()
        self.kernel, self.stride = (kernel, kernel), (stride, stride)

    def forward(self, x):
        return F.max_pool2d(F.pad(x, same_pads(x, self.kernel, self.stride), value=float("-inf")), self.kernel, self.stride)


class DenseBlock4(nn.Module):
    """conv0 (stride 2; a plain conv in the first block) -> ReLU, then conv1..conv3 each fed the ReLU of the sum of
    every earlier output of the block; the block gives the ReLU of the sum of all four."""

    def __init__(self, cin, cout, first):
        super().__init__()
        self.conv0 = SameConv2d(cin, cout, 3, 2) if first else SeparableConv(cin, cout, 2)
        self.conv1 = SeparableConv(cout, cout)
        self.conv2 = SeparableConv(cout, cout)
        self.conv3 = SeparableConv(cout, cout)

    def forward(self, x):
        outs = [F.relu(self.conv0(x))]
        outs.append(self.conv1(outs[0]))
        for conv in (self.conv2, self.conv3):
            outs.append(conv(F.relu(sum(outs))))
        return F.relu(sum(outs))


def face_dense_trunk():
    return OrderedDict(dense0=DenseBlock4(3, 32, True), dense1=DenseBlock4(32, 64, False), dense2=DenseBlock4(64, 128, False),
                       dense3=DenseBlock4(128, 256, False)), 256


class ReductionBlock(nn.Module):
    """(ReLU) -> separable_conv0 -> ReLU -> separable_conv1 -> 3x3 max pool, stride 2; plus a stride-2 1x1
    expansion_conv of the block's input."""

    def __init__(self, cin, cout, activate_input):
        super().__init__()
        self.activate_input = activate_input
        self.separable_conv0 = SeparableConv(cin, cout)
        self.separable_conv1 = SeparableConv(cout, cout)
        self.pool = SameMaxPool2d(3, 2)
        self.expansion_conv = SameConv2d(cin, cout, 1, 2)

    def forward(self, x):
        y = F.relu(x) if self.activate_input else x
        y = self.pool(self.separable_conv1(F.relu(self.separable_conv0(y))))
        return y + self.expansion_conv(x)


class MainBlock(nn.Module):
    """Three ReLU -> separable conv steps, plus the block's input."""

    def __init__(self, channels):
        super().__init__()
        self.separable_conv0 = SeparableConv(channels, channels)
        self.separable_conv1 = SeparableConv(channels, channels)
        self.separable_conv2 = SeparableConv(channels, channels)

    def forward(self, x):
        y = x
        for conv in (self.separable_conv0, self.separable_conv1, self.separable_conv2):
            y = conv(F.relu(y))
        return y + x


def face_xception_trunk():
    entry = nn.Sequential(OrderedDict(conv_in=SameConv2d(3, 32, 3, 2, act="relu"), reduction_block_0=ReductionBlock(32, 64, False),
                                      reduction_block_1=ReductionBlock(64, 128, True)))
    middle = nn.Sequential(OrderedDict(main_block_0=MainBlock(128), main_block_1=MainBlock(128)))
    exit_ = nn.Sequential(OrderedDict(reduction_block=ReductionBlock(128, 256, True), separable_conv=SeparableConv(256, 512, act="relu")))
    return OrderedDict(entry_flow=entry, middle_flow=middle, exit_flow=exit_), 512


# --- torchvision -------------------------------------------------------------------------------------------------

def torchvision_trunk(name):
    import torchvision

    net = getattr(torchvision.models, name)()
    children = OrderedDict(net.named_children())
    for head in ("avgpool", "classifier", "fc"):
        children.pop(head, None)
    return children, 512


TRUNKS = {
    "vgg16": lambda: torchvision_trunk("vgg16"),
    "resnet18": lambda: torchvision_trunk("resnet18"),
    "resnet34": lambda: torchvision_trunk("resnet34"),
    "mobilenet_v3": mobilenet_v3_trunk,
    "face_resnet": face_resnet_trunk,
    "face_dense": face_dense_trunk,
    "face_xception": face_xception_trunk,
}

# Module paths of the head: the pooling goes under POOL, the head under HEAD (as the studio's backbone specs say).
HEAD_MODULE = {"vgg16": "classifier", "resnet18": "fc", "resnet34": "fc", "mobilenet_v3": "classifier", "face_resnet": "classifier",
               "face_dense": "classifier", "face_xception": "classifier"}
# The CenterNet trunk ends without normalization: its features are scaled before a preset head (avgpool__scale).
FEATURE_SCALE = {"mobilenet_v3": 1 / 32, "face_xception": 1 / 16}
# Where the keypoints head also reads the trunk (a skip connection), per backbone.
KEYPOINTS_SKIP = {"face_resnet": ("conv128_2", 128)}
# Whose own head already predicts the 68 points in 0..1: their keypoints preset keeps it (its weights pretrained).
OWN_HEAD_IS_KEYPOINTS = {"face_dense"}
KEYPOINTS_LOGIT_SCALE = 0.03
SKIP_POOL = 6


# --- heads (src/engine/models/presets.ts) ------------------------------------------------------------------------

class ChannelsLastFlatten(nn.Module):
    """Flattens in NHWC order, as the studio (tfjs) does, so a Linear after it has the studio's weight layout."""

    def forward(self, x):
        return x.permute(0, 2, 3, 1).flatten(1)


class Scale(nn.Module):
    def __init__(self, factor):
        super().__init__()
        self.factor = factor

    def forward(self, x):
        return x * self.factor

    def extra_repr(self):
        return f"factor={self.factor}"


class GlobalMean(nn.Module):
    def forward(self, x):
        return x.mean(dim=(2, 3))


def conv_pool(channels):
    """The book's keypoint / age-gender pooling: Conv2d(C, 512, 3) -> AdaptiveMaxPool(2) -> ReLU -> Flatten (2048)."""
    return nn.Sequential(nn.Conv2d(channels, 512, 3, padding=1), nn.AdaptiveMaxPool2d(2), nn.ReLU(), ChannelsLastFlatten())


class SkipPool(nn.Module):
    """conv_pool, concatenated with the skip map average-pooled to 6x6 and standardized (skip)."""

    def __init__(self, channels, skip_channels):
        super().__init__()
        for name, module in conv_pool(channels).named_children():
            self.add_module(name, module)
        self.skip = nn.Sequential(nn.AdaptiveAvgPool2d(SKIP_POOL), nn.BatchNorm2d(skip_channels), ChannelsLastFlatten())

    def forward(self, x, skip):
        for name in ("0", "1", "2", "3"):
            x = self._modules[name](x)
        return torch.cat([x, self.skip(skip)], dim=1)


class AgeGenderHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.intermediate = nn.Sequential(
            nn.Linear(2048, 512), nn.ReLU(), nn.Dropout(0.4), nn.Linear(512, 128), nn.ReLU(), nn.Dropout(0.4),
            nn.Linear(128, 64), nn.ReLU())
        self.age_classifier = nn.Sequential(nn.Linear(64, 1), nn.Sigmoid())
        self.gender_classifier = nn.Sequential(nn.Linear(64, 1), nn.Sigmoid())

    def forward(self, x):
        x = self.intermediate(x)
        return self.age_classifier(x), self.gender_classifier(x)


def pooled_hidden(channels, units, last):
    """The book's cats-vs-dogs head: Flatten -> 128 -> ReLU -> Dropout(0.2) -> units -> Sigmoid / Softmax."""
    return nn.Sequential(nn.Flatten(), nn.Linear(channels, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, units), last)


def original_head(backbone):
    if backbone == "vgg16":  # torchvision's VGG.avgpool and VGG.classifier
        classifier = nn.Sequential(nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(0.5), nn.Linear(4096, 4096), nn.ReLU(True),
                                   nn.Dropout(0.5), nn.Linear(4096, 1000))
        return nn.AdaptiveAvgPool2d(7), classifier, True
    if backbone in ("resnet18", "resnet34"):
        return nn.AdaptiveAvgPool2d(1), nn.Linear(512, 1000), True
    if backbone == "face_resnet":
        return GlobalMean(), nn.Linear(256, 128, bias=False), False
    if backbone == "face_dense":  # face-api's 7x7 average pool (a global mean at 112^2), then fc: 68 (x, y) in 0..1
        return GlobalMean(), nn.Linear(256, 136), False
    raise ValueError(f"{backbone} has no original head; pick one of the book's presets")


class StudioNet(nn.Module):
    """Trunk modules at the top level (their torchvision / face-api / TF names), then avgpool and the head."""

    def __init__(self, backbone, preset, num_classes=None):
        super().__init__()
        trunk, channels = TRUNKS[backbone]()
        for name, module in trunk.items():
            self.add_module(name, module)
        self.trunk_names = list(trunk)
        self.backbone, self.preset = backbone, preset
        self.feature_scale = FEATURE_SCALE.get(backbone) if preset != "original" else None
        self.skip = KEYPOINTS_SKIP.get(backbone) if preset == "keypoints" else None
        self.outputs = {"original": ["logits"], "binary": ["prob"], "multiclass": ["probs"], "keypoints": ["keypoints"],
                        "age-gender": ["age", "gender"]}[preset]
        head_name = HEAD_MODULE[backbone]
        self.head_name = head_name
        self.flatten_nchw = False
        if preset == "original" or (preset == "keypoints" and backbone in OWN_HEAD_IS_KEYPOINTS):
            pool, head, self.flatten_nchw = original_head(backbone)
            if backbone in ("resnet18", "resnet34", "face_resnet", "face_dense"):
                head_name = self.head_name = "fc"
        elif preset in ("binary", "multiclass"):
            if preset == "multiclass" and not (isinstance(num_classes, int) and num_classes >= 2):
                raise ValueError(f"the multiclass preset needs num_classes (an integer >= 2), got {num_classes}")
            pool = nn.AdaptiveAvgPool2d(1)
            units, last = (1, nn.Sigmoid()) if preset == "binary" else (num_classes, nn.Softmax(dim=1))
            head = pooled_hidden(channels, units, last)
        elif preset == "keypoints" and self.skip:
            pool = SkipPool(channels, self.skip[1])
            head = nn.Sequential(OrderedDict([
                ("0", nn.Linear(2048 + self.skip[1] * SKIP_POOL * SKIP_POOL, 512)), ("1", nn.ReLU()),
                ("2", nn.Linear(512, 136)), ("2__scale", Scale(KEYPOINTS_LOGIT_SCALE)), ("3", nn.Sigmoid())]))
        elif preset == "keypoints":
            pool = conv_pool(channels)
            head = nn.Sequential(nn.Linear(2048, 512), nn.ReLU(), nn.Dropout(0.5), nn.Linear(512, 136), nn.Sigmoid())
        elif preset == "age-gender":
            pool, head = conv_pool(channels), AgeGenderHead()
        else:
            raise ValueError(f"unknown preset '{preset}'")
        self.avgpool = pool
        self.add_module(head_name, head)

    def trunk_modules(self):
        return [self._modules[n] for n in self.trunk_names]

    def head_modules(self):
        return [self.avgpool, self._modules[self.head_name]]

    def forward(self, x):
        taps = {}
        for name in self.trunk_names:
            x = self._modules[name](x)
            taps[name] = x
        if self.feature_scale is not None:
            x = x * self.feature_scale
        x = self.avgpool(x, taps[self.skip[0]]) if self.skip else self.avgpool(x)
        if self.flatten_nchw:
            x = torch.flatten(x, 1)
        out = self._modules[self.head_name](x)
        return out


def build_model(studio=None):
    """The network studio.json describes (fresh weights; load_weights sets them)."""
    studio = studio or read_studio()
    m = studio["model"]
    return StudioNet(m["backbone"], m["preset"], m.get("numClasses"))


def read_studio(folder=HERE):
    with open(os.path.join(folder, "studio.json")) as f:
        return json.load(f)


def preprocess(images, studio=None):
    """Raw RGB pixels 0..255 (NCHW float) -> what the backbone was pretrained on."""
    p = (studio or read_studio())["preprocessing"]
    if p["kind"] == "mean-std":
        mean = torch.tensor(p["mean"]).view(1, 3, 1, 1)
        std = torch.tensor(p["std"]).view(1, 3, 1, 1)
        return (images / 255 - mean) / std
    if p["kind"] == "mean-scale":
        return (images - torch.tensor(p["mean"]).view(1, 3, 1, 1)) / p["scale"]
    return images


# --- safetensors: the package when installed, else this reader / writer of the format ----------------------------
# The format: an 8-byte little-endian header length N, N bytes of JSON {name: {dtype, shape, data_offsets}}, then
# the raw little-endian tensors.

_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64, "I64": torch.int64}


def load_file(path):
    try:
        from safetensors.torch import load_file as load
        return load(path)
    except ImportError:
        pass
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = bytearray(data[8 + n + begin:8 + n + end])
        t = torch.frombuffer(raw, dtype=_DTYPES[info["dtype"]]) if raw else torch.empty(0, dtype=_DTYPES[info["dtype"]])
        out[name] = t.reshape(info["shape"]).clone()
    return out


def save_file(tensors, path, metadata=None):
    try:
        from safetensors.torch import save_file as save
        return save({k: v.contiguous() for k, v in tensors.items()}, path, metadata=metadata)
    except ImportError:
        pass
    names = {v: k for k, v in _DTYPES.items()}
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        blob = t.detach().cpu().contiguous().numpy().astype(t.detach().cpu().numpy().dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": names[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def state_dict_to_save(model):
    """The weights in the studio's torchvision layout: float tensors only (BatchNorm's counter is not kept)."""
    return {k: v for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}


def load_weights(model, path):
    """Sets the model's weights from a .safetensors file; every key must match (BatchNorm's counter aside)."""
    state = {k[len("module."):] if k.startswith("module.") else k: v for k, v in load_file(path).items()}
    result = model.load_state_dict(state, strict=False)
    missing = [k for k in result.missing_keys if not k.endswith("num_batches_tracked")]
    if missing or result.unexpected_keys:
        raise ValueError(f"{path}: missing {missing}, unexpected {result.unexpected_keys}")
    return model
`;
