// `npm run temporal:cli`: finds or provisions the Temporal CLI (see platform/temporal-cli.ts) and
// prints where it is. CI runs it first so the build, when needed, is timed on its own.
import { cliVersion, resolveTemporalCli, TemporalCliUnavailable } from '../platform/temporal-cli';

try {
  const started = performance.now();
  const cli = await resolveTemporalCli();
  console.log(`Temporal CLI (${cli.source}, ${((performance.now() - started) / 1000).toFixed(1)} s): ${cli.path}`);
  console.log(cliVersion(cli.path));
} catch (error) {
  console.error(error instanceof TemporalCliUnavailable ? error.message : error);
  process.exit(1);
}
