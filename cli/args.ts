// Exit statuses, the errors that carry them, and argument parsing (node:util parseArgs) shared by every command.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export const EXIT = {
  /** done; for `verify`: valid, anchored to the trusted CA given with --ca */
  ok: 0,
  /** a check failed (verify), or the API refused or could not be reached */
  failed: 1,
  /** bad arguments, a missing TESTIGO_API_KEY, a file that cannot be read */
  usage: 2,
  /** verify only: every check passed but nothing anchors the file to a trusted CA (no --ca) */
  unanchored: 3,
} as const;

/** Ends the command with a message on stderr and an exit status. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export class UsageError extends CliError {
  constructor(
    message: string,
    /** the command whose help to point at */
    readonly command?: string,
  ) {
    super(message, EXIT.usage);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs, strict, with positionals and `--help`/`-h`; a parse error is a usage error of `command`. */
export function parse<O extends Options>(command: string, args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, '.'), command);
  }
}

export const PROCESS_ID = /^prc_[A-Za-z0-9_-]{1,64}$/;

/** A process id as the API names them (prc_…), or a usage error naming `what`. */
export function processId(value: string | undefined, command: string, what = 'ID'): string {
  if (!value) throw new UsageError(`${what} is required: a process id (prc_…)`, command);
  if (!PROCESS_ID.test(value)) throw new UsageError(`${what} "${value}" is not a process id (prc_ followed by letters, digits, _ or -)`, command);
  return value;
}
