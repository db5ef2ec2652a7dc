import { modelName, type SavedModelMeta } from '../../models';

/** The README of an exported folder: what is in it and one command per use. */
export function projectReadme(meta: SavedModelMeta): string {
  const size = meta.inputSize;
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

## Use

Predict in Python:

    import torch, model
    net = model.load_weights(model.build_model(), "weights.safetensors").eval()
    studio = model.read_studio()
    x = model.preprocess(torch.rand(1, 3, ${size}, ${size}) * 255, studio)  # RGB 0..255, NCHW
    print(net(x))

Train on one machine (CPU: gloo; GPUs: nccl, one process per GPU):

    torchrun --nproc_per_node=2 train.py --data dataset.zip --epochs 5

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
