import { UsageError } from './args';
import { summaryCommand } from './commands/summary';
import { inspectCommand } from './inspect';
import { trainCommand } from './commands/train';
import { predictCommand } from './commands/predict';
import { evaluateCommand } from './commands/evaluate';

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, { run: Command; help: string }> = {
  summary: { run: summaryCommand, help: 'print the module tree with trainable / total parameters' },
  inspect: { run: inspectCommand, help: 'show the detected dataset layout, counts and problems' },
  train: { run: trainCommand, help: 'train on a dataset zip; prints Report lines, then the metrics as JSON' },
  predict: { run: predictCommand, help: 'run a saved model (train --out DIR) on images; one JSON line each' },
  evaluate: { run: evaluateCommand, help: "print a saved model's metrics on a dataset split as one JSON line" },
  landmarks: { run: async (a) => (await import('./commands/landmarks')).landmarksCommand(a), help: 'pretrained 2D/3D face landmarks of an image, folder or zip as JSON' },
};

const USAGE = `usage: transfer-studio <command> [options]\n\ncommands:\n${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.help}`)
  .join('\n')}`;

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
    if (e instanceof UsageError) {
      process.stderr.write(e.message + '\n');
      return 2;
    }
    process.stderr.write(`transfer-studio ${name}: ${(e as Error).message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
