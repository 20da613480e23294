// `npm run bench -- --quick` as CI runs it: every scenario with tiny sample counts completes and writes a results
// file with every scenario's figures. Only that they are there: benchmarks report, tests never assert timings.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** the keys each scenario writes (dotted paths into the results); present and not null */
const EXPECTED: Record<string, string[]> = {
  check: [
    'latencyMs.checkWrongCode.p50',
    'latencyMs.checkRightCode.p50',
    'latencyMs.bareUpdate9PerWorkflow.p50',
    'latencyMs.bareUpdateOneWorkflow.p50',
    'latencyMs.createToSms.p50',
    'latencyMs.getVerification.p50',
    'latencyMs.checkByAttempt',
    'ratios.checkP50',
    'budget.met',
  ],
  ingestion: [
    'throughputPerSecond.webhooksSequential',
    'throughputPerSecond.webhooksConcurrent',
    'throughputPerSecond.bareSignalsSequential',
    'throughputPerSecond.bareSignalsConcurrent',
    'webhookIngestionCheck.posts',
    'ratios.webhooksPerBareSignalC1',
    'ratios.webhooksPerBareSignalC10',
  ],
  creation: [
    'latencyMs.createSequential.p50',
    'latencyMs.bareStartSequential.p50',
    'throughputPerSecond.creates.c1',
    'throughputPerSecond.creates.c10',
    'throughputPerSecond.bareStarts.c10',
    'ratios.createsPerSecondC10',
  ],
  'creation-split': [
    'creationSplit.latencyMs.createSequential.p50',
    'creationSplit.throughputPerSecond.creates.c10',
    'creationSplit.throughputPerSecond.bareStarts.c10',
    'creationSplit.ratios.createsPerSecondC10',
  ],
  'ingestion-split': [
    'ingestionSplit.throughputPerSecond.webhooksSequential',
    'ingestionSplit.throughputPerSecond.webhooksConcurrent',
    'ingestionSplit.throughputPerSecond.bareSignalsConcurrent',
    'ingestionSplit.webhookIngestionCheck.posts',
    'ingestionSplit.ratios.webhooksPerBareSignalC10',
  ],
  contracts: ['contracts.ours', 'contracts.bare', 'contracts.reactionAll.ours.p50', 'contracts.shape.segments'],
  sealing: ['sealingMs'],
  certificate: ['certificate.fullMs.p50', 'certificate.budget.met'],
  reaction: [
    'latencyMs.reactionWebhookToSms.p50',
    'latencyMs.reactionWebhookAnswer.p50',
    'reactionBreakdownMs.webhookToSignal',
    'reactionFallbackSendStatuses',
  ],
  memory: ['memory.n', 'memory.start.rssMiB', 'memory.afterN.rssMiB', 'memory.after2N.rssMiB', 'memory.growthPerN.rssMiB'],
};

const at = (value: any, dotted: string) => dotted.split('.').reduce((v, k) => (v === undefined || v === null ? v : v[k]), value);

describe('npm run bench -- --quick', function () {
  this.timeout(15 * 60_000); // a smoke run of every scenario; far longer than it needs, for a loaded machine

  const dir = mkdtempSync(path.join(os.tmpdir(), 'testigo-bench-quick-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every scenario and writes a results file with every scenario’s figures', async () => {
    const out = path.join(dir, 'latest.json');
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        'node',
        ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out],
        { cwd: ROOT, maxBuffer: 64 * 2 ** 20 },
        (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      child.stdin?.end();
    });
    assert.equal(code, 0, `the bench failed:\n${stderr.slice(-4000)}`);
    assert.match(stdout, /QUICK RUN \(--quick\).*NOT meaningful/);
    assert.match(stdout, /total run time/);

    const results = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(results.quick, true);
    assert.deepEqual(results.scenarios, Object.keys(EXPECTED));
    const missing = Object.entries(EXPECTED).flatMap(([scenario, keys]) =>
      keys.filter((k) => at(results, k) === undefined || at(results, k) === null).map((k) => `${scenario}: ${k}`),
    );
    assert.deepEqual(
      missing,
      [],
      `missing from the results (contracts: ${JSON.stringify(results.contracts?.unavailable ?? null)}, reaction: ${results.reactionUnavailable})`,
    );
    assert.equal(results.sealingMs.length, 2);
    assert.equal(results.budgets.length, 12, 'the check, ingestion (2 + 2 split), creation (2 + 2 split), reaction (2) and certificate budgets');
  });
});
