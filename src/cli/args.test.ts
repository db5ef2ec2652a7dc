import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = path.resolve(__dirname, '../../bin/transfer-studio.mjs');
const COMMANDS = ['summary', 'inspect', 'train', 'lr-find', 'predict', 'evaluate', 'export', 'face-crops', 'landmarks'];

/** Runs the real CLI entry, as a user's shell does. */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('parseCommandArgs', () => {
  it('prints the command list for --help and -h and exits 0; with no command at all it exits 1', () => {
    for (const flag of ['--help', '-h']) {
      const r = cli(flag);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^usage: transfer-studio <command> \[options\]\n/);
      for (const name of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    }
    expect(cli().code).toBe(1);
  });

  // --help and -h take the same path: each command is asked one way, the two ways alternating.
  it.each(COMMANDS.map((name, i) => [name, i % 2 ? '-h' : '--help']))('prints the usage of %s on stdout for %s, one line per flag with its help, and exits 0', (name, flag) => {
    const r = cli(name, flag);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^usage: transfer-studio ${name} --\\w+ \\S+ .*\\[options\\]\n\n\\S.*\n\noptions:\n`));
    const lines = r.stdout.split('options:\n')[1].trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('  --')).length).toBeGreaterThanOrEqual(3);
    // A flag and its help on one line, or a wide flag alone and its help indented on the next.
    for (const [i, line] of lines.entries()) {
      if (line.startsWith('  --')) expect(`${line} ${lines[i + 1] ?? ''}`).toMatch(/^  --[\w-]+( \S+)? +\S.* \S/);
      else expect(line).toMatch(/^ {28}\S/);
    }
  }, 60_000);

  it("lists train's flags with their defaults, --input-size among them", () => {
    const { stdout } = cli('train', '--help');
    expect(stdout).toMatch(/^ {2}--input-size N +side of the square input, in pixels \(default: 320 for classification, 112 for keypoints and age-gender on the default backbones; else the backbone's own\)$/m);
    expect(stdout).toMatch(/^ {2}--epochs N +passes over the training images \(default: 5\)$/m);
    expect(stdout).toMatch(/^ {2}--lr X +learning rate \(default: 0\.001 for classification and keypoints, 0\.0003 for age-gender\)$/m);
    expect(stdout).toMatch(/^ {2}--data ZIP\|DIR +.*\(required\)$/m);
    expect(stdout).not.toMatch(/--size/);
  });

  it.each([
    ['train', '--data', 'cats-dogs.zip'],
    ['summary', '--backbone', 'mobilenet_v3'],
  ])('answers the old --size of %s with a usage error that names --input-size', (...args) => {
    const r = cli(...args, '--size', '64');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^--size is now --input-size\nusage: transfer-studio /);
  });

  it.each([
    ['--augment-strength', '2', '--augment-strength goes with --augment'],
    ['--lr-ratio', '10', '--freeze-epochs, --unfreeze-from, --train-bn and --lr-ratio go with --fine-tune'],
  ])("refuses train's %s without the option it tunes, before reading the data", (flag, value, said) => {
    const r = cli('train', '--data', 'no-such.zip', flag, value);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${said.replace(/[-.]/g, '\\$&')}\nusage: transfer-studio train `));
  });

  it('refuses --no-fine-tune beside --fine-tune, before reading the data', () => {
    const r = cli('train', '--data', 'no-such.zip', '--no-fine-tune', '--fine-tune');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^--no-fine-tune goes with none of --fine-tune, /);
  });

  it('takes --tta none or flip on predict and evaluate, and refuses anything else', () => {
    for (const name of ['predict', 'evaluate']) {
      expect(cli(name, '--help').stdout).toMatch(/^ +--tta <none\|flip> +test-time augmentation/m);
      const r = cli(name, '--model', 'x', name === 'predict' ? '--image' : '--data', 'y', '--tta', 'mirror');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^unknown tta 'mirror'\nusage: /);
    }
  });

  it('still says what is wrong when the flag is unknown, and where the options are listed', () => {
    const r = cli('evaluate', '--modle', 'x');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("Unknown option '--modle'\nusage: transfer-studio evaluate --model DIR|FILE.onnx --data ZIP|DIR [options]\n'transfer-studio evaluate --help' lists the options\n");
  });
});
