// `npm run bench`: our OTP check round trip and verification creation through the real API, signed
// WhatsApp webhooks ingested as workflow signals, and the reaction from an inbound webhook to the next
// outbound message at the provider, beside a bare Temporal baseline (a trivial workflow on its own
// worker and task queue) measured in the same process, on the same in-memory dev server, in the same
// run; then contract processes per minute and the reaction to a tap beside a bare workflow of the same
// shape (bench/contracts.ts), sealing time per document (bench/sealing.ts), the evidence certificate of a
// 100-event process (bench/certificate.ts; alone: npm run bench:certificate) and the stack's resident set
// after N completed verifications. One scenario per file in bench/scenarios/, over bench/harness.ts.
// Prints a table and writes bench/results/latest.json. Benchmarks report; they do not assert (the
// PRODUCT.md §6 budgets are printed as met or not, and the exit code is 0 either way).
//
//   npm run bench -- --quick                  every scenario with tiny sample counts (a smoke run: figures not meaningful)
//   npm run bench -- --only check,reaction    the named scenarios only, in the usual order
//   npm run bench -- --out FILE               the results elsewhere than bench/results/latest.json
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { cliVersion, resolveTemporalCli } from '../platform/temporal-cli';
import { Harness, log, type Row, type Scenario, type ScenarioReport } from './harness';
import { certificate } from './scenarios/certificate';
import { check } from './scenarios/check';
import { contracts } from './scenarios/contracts';
import { creation } from './scenarios/creation';
import { creationSplit } from './scenarios/creation-split';
import { ingestion } from './scenarios/ingestion';
import { ingestionSplit } from './scenarios/ingestion-split';
import { memory } from './scenarios/memory';
import { reaction } from './scenarios/reaction';
import { sealing } from './scenarios/sealing';

/**
 * The order they run in. Contracts, sealing and the certificate come before the reaction, whose held-back status
 * webhooks would land in the middle of them; memory last, so the others' figures are those of a fresh stack.
 */
export const SCENARIOS: Scenario[] = [check, ingestion, creation, creationSplit, ingestionSplit, contracts, sealing, certificate, reaction, memory];
/** The order their parts appear in the report (and in the JSON). */
const REPORT_ORDER = ['check', 'creation', 'creation-split', 'ingestion', 'ingestion-split', 'reaction', 'contracts', 'sealing', 'certificate', 'memory'];

const DEFAULT_OUT = fileURLToPath(new URL('./results/latest.json', import.meta.url));
const QUICK_WARNING = 'QUICK RUN (--quick): tiny sample counts, a smoke test of every scenario — the figures are NOT meaningful';

const USAGE = `npm run bench [-- options]

Runs the benchmark scenarios on a stack of its own (Temporal dev server in memory, in-memory PGlite or a
throwaway database on BENCH_DATABASE_URL), prints the report and writes ${path.relative(process.cwd(), DEFAULT_OUT)}.

options:
  --quick             every scenario with tiny sample counts, for CI-sized smoke runs (figures not meaningful)
  --only a,b,…        only these scenarios (they still run in the order below)
  --out FILE          write the results to FILE instead
  --help              this text

scenarios, in the order they run:
${SCENARIOS.map((s) => `  ${s.name.padEnd(12)} ${s.summary}`).join('\n')}

environment: BENCH_DATABASE_URL (PostgreSQL server), BENCH_CONTRACTS_SCALE, BENCH_SEAL_RUNS, BENCH_CERT_RUNS`;

export interface BenchOptions {
  quick: boolean;
  scenarios: Scenario[];
  out: string;
}

/** The options, or a usage message (with the exit code it deserves). */
export function parseOptions(argv: string[]): BenchOptions | { usage: string; exitCode: number } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { quick: { type: 'boolean' }, only: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    return { usage: `${(error as Error).message}\n\n${USAGE}`, exitCode: 2 };
  }
  if (values.help) return { usage: USAGE, exitCode: 0 };
  let scenarios = SCENARIOS;
  if (values.only !== undefined) {
    const names = values.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
    if (unknown.length || !names.length) return { usage: `unknown scenario: ${unknown.join(', ') || '(none given)'}\n\n${USAGE}`, exitCode: 2 };
    scenarios = SCENARIOS.filter((s) => names.includes(s.name));
  }
  return { quick: values.quick ?? false, scenarios, out: path.resolve(values.out ?? DEFAULT_OUT) };
}

/** Objects merged key by key, arrays appended, anything else replaced. */
function merge(into: Record<string, any>, from: Record<string, any>): void {
  for (const [k, v] of Object.entries(from)) {
    if (Array.isArray(v) && Array.isArray(into[k])) into[k].push(...v);
    else if (v && typeof v === 'object' && !Array.isArray(v) && into[k] && typeof into[k] === 'object' && !Array.isArray(into[k])) merge(into[k], v);
    else into[k] = Array.isArray(v) ? [...v] : v && typeof v === 'object' ? { ...v } : v;
  }
}

function table(head: Row, rows: Row[]): string[] {
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length), head[i].length));
  const line = (r: string[]) =>
    `| ${r[0].padEnd(widths[0])} | ${r
      .slice(1)
      .map((c, i) => c.padStart(widths[i + 1]))
      .join(' | ')} |`;
  return [line(head), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)];
}

export async function runBench(options: BenchOptions): Promise<void> {
  const t0 = performance.now();
  const date = new Date();
  const loadAtStart = os.loadavg();
  const cli = await resolveTemporalCli({ log });
  const h = new Harness(options.quick);
  if (options.quick) log(QUICK_WARNING);
  const reports = new Map<string, ScenarioReport>();
  try {
    for (const scenario of options.scenarios) {
      log(`— scenario ${scenario.name} —`);
      const started = performance.now();
      reports.set(scenario.name, await scenario.run(h));
      log(`— scenario ${scenario.name}: ${((performance.now() - started) / 1000).toFixed(1)} s —`);
    }
  } catch (error) {
    await h.fail();
    throw error;
  }
  const databaseLabel = h.stackStarted ? (await h.stack()).databaseLabel : undefined;

  const machine = {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    temporalCli: cliVersion(cli.path).split('\n')[0],
    loadAverage: { atStart: loadAtStart.map((x) => Math.round(x * 100) / 100), atEnd: os.loadavg().map((x) => Math.round(x * 100) / 100) },
  };
  const parts = REPORT_ORDER.map((name) => reports.get(name)).filter((r): r is ScenarioReport => r !== undefined);
  const all = (k: 'setup' | 'growth' | 'checks' | 'budgets'): string[] => parts.flatMap((p) => p[k] ?? []);

  const out: string[] = [];
  out.push('');
  if (options.quick) out.push(QUICK_WARNING, '');
  out.push(`Testigo benchmark — ${date.toISOString()}`);
  out.push(`machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, node ${machine.node}, ${machine.platform}`);
  out.push(`load average (1/5/15 min) at start ${machine.loadAverage.atStart.join(' ')}, at end ${machine.loadAverage.atEnd.join(' ')}`);
  if (databaseLabel)
    out.push(`temporal: ${machine.temporalCli}, dev server in memory; database: ${databaseLabel}; HTTP: node:http keep-alive agent over loopback`);
  out.push(...all('setup'));
  const rows = parts.flatMap((p) => p.rows ?? []);
  if (rows.length) out.push('', ...table(['metric', 'ours', 'bare Temporal', 'ratio'], rows));
  const growth = all('growth');
  if (growth.length) out.push('', `growth probes (latency slope over the run, ms per 100 calls; first-quarter → last-quarter mean):`, ...growth);
  const checks = all('checks');
  if (checks.length) out.push('', ...checks);
  const budgets = all('budgets');
  if (budgets.length) out.push('', ...budgets);
  for (const p of parts) if (p.section) out.push('', p.section);
  const seconds = (performance.now() - t0) / 1000;
  if (options.quick) out.push('', QUICK_WARNING);
  out.push(`total run time: ${seconds.toFixed(1)} s`);
  console.log(out.join('\n'));

  // Top-level keys in the order the results have always had; a scenario not run leaves its keys out.
  const json: Record<string, any> = {
    date: date.toISOString(),
    machine,
    quick: options.quick,
    scenarios: options.scenarios.map((s) => s.name),
    setup: {
      http: 'node:http with a keep-alive Agent over loopback',
      temporal: 'Temporal CLI dev server, in memory, same process tree; bare worker and client in the bench process beside the stack',
      database: databaseLabel ?? null,
    },
    latencyMs: undefined,
    reactionUnavailable: undefined,
    reactionFallbackSendStatuses: undefined,
    reactionBreakdownMs: undefined,
    contracts: undefined,
    sealingMs: undefined,
    certificate: undefined,
    throughputPerSecond: undefined,
    webhookIngestionCheck: undefined,
    ratios: undefined,
    budget: undefined,
    budgets: [],
    memory: undefined,
  };
  for (const p of parts) merge(json, p.json);
  json.runSeconds = seconds;
  mkdirSync(path.dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(json, null, 2)}\n`);
  log(`results written to ${path.relative(process.cwd(), options.out)}`);

  log('stopping…');
  await h.stop();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const options = parseOptions(process.argv.slice(2));
  if ('usage' in options) {
    (options.exitCode ? console.error : console.log)(options.usage);
    process.exit(options.exitCode);
  }
  runBench(options).then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
