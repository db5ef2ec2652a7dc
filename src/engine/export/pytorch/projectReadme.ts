import type { FaceCropSpec } from '../../data';
import { modelName, type SavedModelMeta } from '../../models';

/** The README of an exported folder: what is in it and one command per use. */
export function projectReadme(meta: SavedModelMeta): string {
  const size = meta.inputSize;
  const crop = meta.model.faceCrop;
  return `# ${modelName(meta.model)} (${meta.task}), exported from Transfer Studio

| file | what |
| --- | --- |
| model.py | the network as a torch.nn.Module; state-dict keys are the studio's module paths (\`layer4.1.conv2\`, \`features.28\`) |
| weights.safetensors | its weights, torchvision layout (float32) |
| studio.json | backbone, head, classes, input size (${size} px) and preprocessing, as the studio saved them |
| recipe.json | the studio's training recipe: train.py's defaults |
| train.py | the same recipe in PyTorch, for one process or many (torchrun, DistributedDataParallel) |

model.py and train.py need torch and torchvision (\`pip install -r requirements.txt\`); without the safetensors
package model.py reads and writes the format itself.

${crop ? faceCropSection(crop, size) : ''}## Use

Predict in Python:

    import torch, model
    net = model.load_weights(model.build_model(), "weights.safetensors").eval()
    studio = model.read_studio()
    x = model.preprocess(torch.rand(1, 3, ${size}, ${size}) * 255, studio)  # RGB 0..255, NCHW
    print(net(x))

Train on one machine (CPU: gloo; GPUs: nccl, one process per GPU):

    torchrun --nproc_per_node=2 train.py --data dataset.zip --epochs 5${crop ? ' --face-crops face-crops.json' : ''}

Debian's torch 1.13 under Python 3.11 stops in torchrun's own argument parsing (\`'NoneType' object has no
attribute 'get'\`); add \`--redirects 9:1 --tee 9:1\` (a rank that does not exist, so every rank's output stays on the
console): \`torchrun --redirects 9:1 --tee 9:1 --nproc_per_node=2 train.py …\`. torch 2 needs nothing.

Train on several machines (run on each, with its own --node_rank):

    torchrun --nnodes=2 --nproc_per_node=8 --node_rank=0 --rdzv_backend=c10d --rdzv_endpoint=HOST:29500 train.py --data dataset.zip

train.py prints Report lines, keeps the best epoch's weights and, on rank 0, writes them with studio.json and
model.py to \`--out\` (default \`trained/\`), then prints its metrics as one JSON line. Back in the studio:

    transfer-studio evaluate --model trained --data dataset.zip
    transfer-studio predict --model trained --image photo.jpg
    transfer-studio train --data dataset.zip --weights trained/weights.safetensors   # its trunk, a fresh head

\`python3 train.py --help\` lists the options.
`;
}

/** What a model that takes face crops expects as input, and the file train.py needs for it. */
function faceCropSection(crop: FaceCropSpec, size: number): string {
  return `## Input: face crops

This model takes the square around the image's face, not the whole image (studio.json \`model.faceCrop\`: scale
${crop.scale}, shift ${crop.shift}): BlazeFace's box of the face nearest the image centre, its longer side × ${crop.scale} as the square's side,
centred on the box and moved down by ${crop.shift} × that side (the centred square of the whole image when no face is found).
The square is resampled to ${size}² bilinearly at pixel centres, black where it reaches outside the image (train.py's
\`crop_resize\`). Predicted keypoints are x/side, y/side of the square:
times the side, plus the square's corner, they are pixels of the image.

train.py cannot run BlazeFace: the studio writes every image's square once, and train.py reads them:

    transfer-studio face-crops --data dataset.zip --scale ${crop.scale} --shift ${crop.shift} --out face-crops.json
    python3 train.py --data dataset.zip --face-crops face-crops.json

The file holds each image's square as \`[x, y, side]\` in its pixels, by its path in the zip.
\`transfer-studio evaluate --model trained\` and \`predict\` find the faces themselves.

`;
}
