import { spawnSync } from 'node:child_process';

/** A Python that has torch and torchvision: $PYTHON, else `python3`, else Debian's own (pyenv may shadow it). */
export function findTorchPython(): string {
  const candidates = [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
    if (probe.status === 0) return python;
  }
  throw new Error(
    `none of ${candidates.join(', ')} can import torch and torchvision. ` +
      "Install Debian's python3-torch and python3-torchvision (apt-get install python3-torch python3-torchvision), " +
      'or point $PYTHON at a Python that has them.',
  );
}
