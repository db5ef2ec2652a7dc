import { parseArgs, type ParseArgsConfig } from 'node:util';

type ParseOption = NonNullable<ParseArgsConfig['options']>[string];

/** One flag of a command: node's parseArgs config plus what `--help` and the usage line say about it. */
export type OptionSpec = ParseOption & {
  /** One line of what the flag does. */
  help: string;
  /** The value's placeholder (`N`, `DIR`, `ZIP|DIR`); `<a|b|c>` when `choices` is set. */
  value?: string;
  /** The values it takes; anything else is a usage error. */
  choices?: readonly string[];
  required?: boolean;
  /** The default in words, when it is not one fixed value (`the backbone's own`). */
  defaultText?: string;
};

export type CommandOptions = Record<string, OptionSpec>;

type Parsed<T extends CommandOptions> = ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>>['values'];

/** parseArgs' values, with the `required` flags never undefined. */
export type CommandValues<T extends CommandOptions> = {
  [K in Extract<keyof Parsed<T>, string>]: T[K & keyof T] extends { required: true } ? NonNullable<Parsed<T>[K]> : Parsed<T>[K];
};

/** Flags that were renamed: the old name → the one to type now. */
const RENAMED: Record<string, string> = { size: 'input-size' };

export class UsageError extends Error {}

/** `<command> --help` or `-h`: `main` prints the usage and the options to stdout and exits 0. */
export class HelpRequested extends Error {
  constructor(
    readonly usage: string,
    readonly options: string,
  ) {
    super(`usage: ${usage}`);
  }
}

const placeholder = (o: OptionSpec) => (o.choices ? `<${o.choices.join('|')}>` : (o.value ?? (o.type === 'string' ? 'VALUE' : '')));
const flag = (name: string, o: OptionSpec) => `--${name}${o.type === 'string' ? ` ${placeholder(o)}` : ''}${o.multiple ? '...' : ''}`;

/** What a usage error ends with: the synopsis and where the options are listed. */
export function usageText(command: string, options: CommandOptions): string {
  return `${synopsis(command, options)}\n'transfer-studio ${command} --help' lists the options`;
}

/** `transfer-studio train --data ZIP|DIR [options]`: the required flags, then `[options]` when there are others. */
export function synopsis(command: string, options: CommandOptions): string {
  const entries = Object.entries(options);
  const required = entries.filter(([, o]) => o.required).map(([name, o]) => flag(name, o));
  const optional = entries.some(([, o]) => !o.required);
  return ['transfer-studio', command, ...required, ...(optional ? ['[options]'] : [])].join(' ');
}

/** Widest flag column in `--help`. */
const HELP_COLUMN = 24;

/** One line per flag: the flag and its value, what it does, its default. */
export function formatOptions(options: CommandOptions): string {
  const rows = Object.entries(options).map(([name, o]) => {
    const byDefault = o.defaultText ?? (o.default === undefined || o.default === false ? undefined : String(o.default));
    const note = o.required ? ' (required)' : byDefault === undefined ? '' : ` (default: ${byDefault})`;
    return [flag(name, o), o.help + note];
  });
  // argparse's layout: a flag wider than the column gets a line of its own, its help on the next.
  const width = Math.min(HELP_COLUMN, Math.max(...rows.map(([f]) => f.length)));
  return rows
    .map(([f, help]) => (f.length > width ? `  ${f}\n  ${' '.repeat(width)}  ${help}` : `  ${f.padEnd(width)}  ${help}`))
    .join('\n');
}

/**
 * Parses a command's flags (node:util parseArgs, strict): `--help` / `-h` throws `HelpRequested`; an unknown or
 * renamed flag, a missing required one or a value outside `choices` throws a `UsageError` of one line plus the usage.
 */
export function parseCommandArgs<T extends CommandOptions>(argv: string[], command: string, options: T): { values: CommandValues<T> } {
  if (argv.includes('--help') || argv.includes('-h')) throw new HelpRequested(synopsis(command, options), formatOptions(options));
  const usage = (message: string) => new UsageError(`${message}\nusage: ${usageText(command, options)}`);
  for (const arg of argv) {
    const name = arg.startsWith('--') ? arg.slice(2).split('=')[0] : '';
    if (RENAMED[name] && !(name in options)) throw usage(`--${name} is now --${RENAMED[name]}`);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (e) {
    throw usage((e as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | (string | boolean)[] | undefined>;
  for (const [name, o] of Object.entries(options)) {
    const value = values[name];
    if (o.required && value === undefined) throw usage(`--${name} is required`);
    for (const v of [value ?? []].flat()) {
      if (o.choices && !o.choices.includes(String(v))) throw usage(`unknown ${name} '${v}'`);
    }
  }
  return { values: values as CommandValues<T> };
}
