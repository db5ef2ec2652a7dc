import { HelpRequested, UsageError } from './args';

type Command = (argv: string[]) => Promise<number>;

// Each command is imported when it runs: `--help` and `inspect` do not load tfjs and the models.
const COMMANDS: Record<string, { run: Command; help: string }> = {
  summary: { run: async (a) => (await import('./commands/summary')).summaryCommand(a), help: 'print the module tree with trainable / total parameters' },
  inspect: { run: async (a) => (await import('./inspect')).inspectCommand(a), help: 'show the detected dataset layout, counts and problems' },
  train: { run: async (a) => (await import('./commands/train')).trainCommand(a), help: 'train on a dataset zip; prints Report lines, then the metrics as JSON' },
  'lr-find': { run: async (a) => (await import('./commands/lrFind')).lrFindCommand(a), help: "fastai's learning-rate finder: loss against lr, and a suggested lr for train" },
  predict: { run: async (a) => (await import('./commands/predict')).predictCommand(a), help: 'run a saved model (train --out DIR) on images; one JSON line each' },
  evaluate: { run: async (a) => (await import('./commands/evaluate')).evaluateCommand(a), help: "print a saved model's metrics on a dataset split as one JSON line" },
  export: { run: async (a) => (await import('./commands/export')).exportCommand(a), help: 'write a saved model as an ONNX file, or a model as a PyTorch project (model.py, weights.safetensors, train.py for torchrun)' },
  'face-crops': {
    run: async (a) => (await import('./commands/faceCrops')).faceCropsCommand(a),
    help: "the square around each image's face (BlazeFace), as JSON: what an exported folder's train.py --face-crops reads",
  },
  landmarks: { run: async (a) => (await import('./commands/landmarks')).landmarksCommand(a), help: 'pretrained 2D/3D face landmarks of an image, folder or zip as JSON' },
};

const USAGE = `usage: transfer-studio <command> [options]\n\ncommands:\n${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.help}`)
  .join('\n')}\n\n'transfer-studio <command> --help' lists a command's options.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(USAGE + '\n');
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`unknown command '${name}'\n${USAGE}\n`);
    return 1;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof HelpRequested) {
      process.stdout.write(`usage: ${e.usage}\n\n${command.help}\n\noptions:\n${e.options}\n`);
      return 0;
    }
    if (e instanceof UsageError) {
      process.stderr.write(e.message + '\n');
      return 2;
    }
    process.stderr.write(`transfer-studio ${name}: ${(e as Error).message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
