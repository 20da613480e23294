// `testigo`: the command line (issue 8 §3). `verify` works offline with the same pure verifiers the API runs;
// `process start|show`, `certificate` and `ca` call the API; `tenants` and `keys` the admin API. Run it as
// `npx testigo …` (package.json "bin" → cli/testigo.mjs, which registers tsx) or `node --import tsx cli/testigo.ts …`.
import { pathToFileURL } from 'node:url';
import { CliError, EXIT, UsageError } from './args';
import { keysCommand, tenantsCommand } from './admin-commands';
import { caCommand, certificateCommand, processCommand } from './api-commands';
import { HELP, HELPS } from './help';
import { err, out } from './output';

/** Runs one command line; resolves to the exit status (never throws). */
export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case undefined:
        err(HELP);
        return EXIT.usage;
      case 'help':
      case '--help':
      case '-h':
        out(args[0] && HELPS[args[0]] ? HELPS[args[0]] : HELP);
        return EXIT.ok;
      case 'verify':
        // imported on demand: the PDF and X.509 libraries are not needed by the API commands
        return await (await import('./verify')).verifyCommand(args);
      case 'process':
        return await processCommand(args);
      case 'certificate':
        return await certificateCommand(args);
      case 'ca':
        return await caCommand(args);
      case 'tenants':
        return await tenantsCommand(args);
      case 'keys':
        return await keysCommand(args);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof CliError) {
      err(`testigo: ${error.message}`);
      if (error instanceof UsageError) err(error.command ? `Run \`testigo ${error.command} --help\` for its options.` : 'Run `testigo --help`.');
      return error.exitCode;
    }
    err(`testigo: unexpected error: ${(error as Error).stack ?? error}`);
    return EXIT.failed;
  }
}

// `node --import tsx cli/testigo.ts …` runs it directly; the shim (cli/testigo.mjs) imports it and calls main.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main(process.argv.slice(2));
