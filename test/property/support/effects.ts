// What a request may have changed: the row count of every table (read from the catalogue, so a table
// added tomorrow is counted too) and the workflows started on the stack's own task queue. A 4xx must
// change neither; a 2xx may, and the stack is then left to settle before the next request is judged.
import assert from 'node:assert/strict';
import type { PrismaClient } from '../../../prisma/generated/client';
import type { TestStack } from '../../support/stack';

export type Counts = Record<string, number>;

const countQueries = new WeakMap<PrismaClient, Promise<string>>();

export async function rowCounts(prisma: PrismaClient): Promise<Counts> {
  // the catalogue is read once per database; the counts in one round trip
  if (!countQueries.has(prisma)) countQueries.set(prisma, countQuery(prisma));
  const rows = await prisma.$queryRawUnsafe<Array<{ name: string; n: bigint }>>(await countQueries.get(prisma)!);
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.n)]));
}

async function countQuery(prisma: PrismaClient): Promise<string> {
  const tables = await prisma.$queryRaw<Array<{ name: string }>>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations' ORDER BY table_name`;
  // identifiers from the catalogue itself, quoted
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  return tables.map(({ name }) => `SELECT '${name.replace(/'/g, "''")}' AS name, count(*) AS n FROM ${quote(name)}`).join(' UNION ALL ');
}

export function changedTables(before: Counts, after: Counts): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((t) => before[t] !== after[t]);
}

/**
 * Waits until the row counts hold still for `quietMs` (the worker finishes what a 2xx started: sends,
 * outbox rows), so the next request's before/after comparison sees only its own effect.
 */
export async function settle(prisma: PrismaClient, quietMs = 400, timeoutMs = 15_000): Promise<Counts> {
  const deadline = Date.now() + timeoutMs;
  let last = await rowCounts(prisma);
  for (;;) {
    await new Promise((r) => setTimeout(r, quietMs));
    const now = await rowCounts(prisma);
    if (changedTables(last, now).length === 0) return now;
    if (Date.now() > deadline) throw new Error(`the stack did not settle: ${changedTables(last, now).join(', ')} still changing`);
    last = now;
  }
}

/** Every workflow ever started on the stack's task queue (its queue is unique to the stack). */
export async function workflowsOnQueue(t: TestStack): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of t.stack.client.workflow.list({ query: `TaskQueue = '${t.stack.config.temporal.taskQueue}'` })) ids.push(wf.workflowId);
  return ids.sort();
}

/**
 * Visibility is eventually consistent: the workflows started are those the list shows once it has stopped
 * changing. Each one must be the workflow of a row the database kept (ids are derived from rows), so a
 * workflow started by a refused request — which stores no row — is found here.
 */
export async function assertEveryWorkflowHasItsRow(t: TestStack, expectedIds: (prisma: PrismaClient) => Promise<string[]>): Promise<number> {
  let previous: string[] | undefined;
  let listed: string[] = [];
  const deadline = Date.now() + 20_000;
  for (;;) {
    listed = await workflowsOnQueue(t);
    if (previous && previous.join() === listed.join()) break;
    if (Date.now() > deadline) break;
    previous = listed;
    await new Promise((r) => setTimeout(r, 1_500));
  }
  const expected = (await expectedIds(t.stack.db.prisma)).sort();
  const stray = listed.filter((id) => !expected.includes(id));
  assert.deepEqual(stray, [], `workflows started without a row behind them: ${stray.join(', ')}`);
  return listed.length;
}
