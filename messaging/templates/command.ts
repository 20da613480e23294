// `npm run templates -- register|status`: the logic, apart from process and configuration, so tests
// run it against the sandbox. Returns the exit code: non-zero when a template could not be submitted
// (register) or when a shipped template is not usable yet (status: not approved, or registered
// differently from what the code ships).
import type { TemplateDefinition } from './definitions';
import type { TemplateRegistry } from './registry';
import { isReady, templateStatuses } from './status';

export const TEMPLATES_USAGE = 'usage: npm run templates -- register | status';

export async function templatesCommand(
  command: string | undefined,
  registry: Pick<TemplateRegistry, 'list' | 'register'>,
  definitions: readonly TemplateDefinition[],
  write: (line: string) => void,
): Promise<number> {
  if (command === 'register') {
    const outcomes = await registry.register(definitions);
    for (const o of outcomes) {
      const detail =
        o.outcome === 'failed'
          ? o.error
          : o.outcome === 'created'
            ? `submitted, ${o.status} (id ${o.id})`
            : `already registered${o.status ? `, ${o.status}` : ''}`;
      write(`${o.outcome === 'failed' ? 'FAILED ' : ''}${o.name} [${o.language}]: ${detail}`);
    }
    const failed = outcomes.filter((o) => o.outcome === 'failed').length;
    write(
      failed
        ? `${failed} of ${outcomes.length} templates could not be submitted`
        : `${outcomes.length} templates registered; run \`npm run templates -- status\` to follow their review`,
    );
    return failed ? 1 : 0;
  }
  if (command === 'status') {
    const rows = templateStatuses(definitions, await registry.list());
    for (const row of rows) {
      const reason = row.reason ? ` (${row.reason})` : '';
      const drift = row.drift.length ? ` — differs from the shipped definition: ${row.drift.join('; ')}` : '';
      write(`${row.name} [${row.language}]: ${row.status}${reason}${drift}`);
    }
    const notReady = rows.filter((row) => !isReady(row)).length;
    write(notReady ? `${notReady} of ${rows.length} templates are not ready` : `all ${rows.length} templates are approved`);
    return notReady ? 1 : 0;
  }
  write(TEMPLATES_USAGE);
  return 2;
}
