import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Thin wrapper over node:util parseArgs that turns its errors into one usage line. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  usage: string,
) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nusage: ${usage}`);
  }
}

export class UsageError extends Error {}
