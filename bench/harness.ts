// The benchmarks' shared harness: the stack (test/support/stack.ts's, on a dev server of the bench's own, with
// PostgreSQL from BENCH_DATABASE_URL or in-memory PGlite, logs discarded), the bare Temporal baseline (its own
// bundle, worker, task queue and client beside the stack), both started on first use and stopped at the end (or,
// when a scenario fails half-way, by the onFailure cleanups in reverse, so no dev server outlives the bench), the
// HTTP client, the verification API calls the scenarios share, logging and the report's pieces. No mocha here.
//
// HTTP: node:http with one keep-alive agent over loopback (bench/http.ts), so the figures carry no TCP
// handshakes. Temporal: the stack's own client for our side, a separate Client (default data converter, no codec)
// and a separate Worker for the bare side.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import type { Stack } from '../app/stack';
import { startDevServer, type DevServer } from '../platform/dev-server';
import { eventually, startTestStack, type TestStack } from '../test/support/stack';
import { bareStartWorkflow, bareWorkflow, stopSignal } from './bare-workflow';
import { BenchHttp } from './http';
import { startSplitStack, type SplitStack } from './split-stack';
import { sleep, timed } from './stats';

export const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const discard = () => new Writable({ write: (_chunk, _encoding, done) => done() });

/** a figure for the tables: fixed digits, '–' when not a number */
export const f = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–');

/** Polls `probe` every `pollMs` until it returns a value (test/support's eventually). */
export const waitFor = <T>(probe: () => Promise<T | undefined>, what: string, pollMs = 5, timeoutMs = 20_000): Promise<T> =>
  eventually(probe, `${what} (${timeoutMs} ms)`, timeoutMs, pollMs);

/** one row of the main table: metric, ours, bare Temporal, ratio */
export type Row = [string, string, string, string];

/** What a scenario adds to the report; run.ts puts the pieces of every scenario in their places. */
export interface ScenarioReport {
  /** lines under the header that say how it was measured */
  setup?: string[];
  /** rows of the main table */
  rows?: Row[];
  /** lines under "growth probes" */
  growth?: string[];
  /** correctness checks of what was measured */
  checks?: string[];
  /** the PRODUCT.md §6 budget lines, met or not */
  budgets?: string[];
  /** a table of its own after the main one */
  section?: string;
  /** merged into bench/results/latest.json (objects merged key by key, arrays appended) */
  json: Record<string, unknown>;
}

export interface Scenario {
  name: string;
  /** one line for --help */
  summary: string;
  run(h: Harness): Promise<ScenarioReport>;
}

/** The verification API as the scenarios call it (through the keep-alive client). */
export class VerificationApi {
  constructor(private readonly http: BenchHttp) {}

  async create(phone: string): Promise<string> {
    const res = await this.http.request('POST', '/v1/verifications', { to: phone, channel: 'sms', maxAttempts: 10 });
    if (res.status !== 201) throw new Error(`create answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  }

  async sms(phone: string): Promise<Array<{ id: string; body: string; at: string; status: string }>> {
    const res = await this.http.request('GET', `/sandbox/api/phones/${encodeURIComponent(phone)}/sms`, undefined, false);
    if (res.status !== 200) throw new Error(`sandbox answered ${res.status}`);
    return res.body;
  }

  /** the code of the handset's first SMS, polled every `pollMs` */
  codeFor(phone: string, pollMs = 10, timeoutMs = 20_000): Promise<string> {
    return eventually(
      async () => {
        const [sms] = await this.sms(phone);
        return (sms && /\b(\d{6})\b/.exec(sms.body)?.[1]) || undefined;
      },
      `an SMS for ${phone} (${timeoutMs} ms)`,
      timeoutMs,
      pollMs,
    );
  }

  async get(id: string): Promise<{ status: string; sends?: Array<{ channel: string; status: string; at: string }> }> {
    const res = await this.http.request('GET', `/v1/verifications/${id}`);
    if (res.status !== 200) throw new Error(`GET ${id} answered ${res.status}`);
    return res.body;
  }

  /** one check through the API, its round trip in ms; the answer must be the one expected */
  async check(id: string, code: string, expect: { valid: boolean; status: string }): Promise<number> {
    const { ms, value: res } = await timed(() => this.http.request('POST', `/v1/verifications/${id}/checks`, { code }));
    if (res.status !== 200 || res.body.valid !== expect.valid || res.body.status !== expect.status) {
      throw new Error(`check answered ${res.status} ${JSON.stringify(res.body)}, expected ${JSON.stringify(expect)}`);
    }
    return ms;
  }
}

export interface BenchStack {
  /** test/support/stack.ts's stack: API + worker + sandbox, a fresh database */
  t: TestStack;
  stack: Stack;
  devServer: DevServer;
  http: BenchHttp;
  api: VerificationApi;
  databaseLabel: string;
}

export interface BareBaseline {
  client: Client;
  queue: string;
  /** a bareWorkflow (lives until stopped: signalled stop at the end of the run) */
  startBare(tag: string): Promise<WorkflowHandle<typeof bareWorkflow>>;
  /** a bareStartWorkflow (completes in its first task) */
  startShort(): Promise<WorkflowHandle<typeof bareStartWorkflow>>;
}

export class Harness {
  /** run in reverse when the bench fails half-way, so no dev server outlives it */
  private readonly onFailure: Array<() => Promise<unknown>> = [];
  private stackStarting?: Promise<BenchStack>;
  private bareStarting?: Promise<BareBaseline>;
  private splitStarting?: Promise<SplitStack>;
  private readonly stops: Array<() => Promise<unknown>> = [];

  constructor(readonly quick: boolean) {}

  /** whether the stack was started (the report says what it ran on only then) */
  get stackStarted(): boolean {
    return this.stackStarting !== undefined;
  }

  stack(): Promise<BenchStack> {
    return (this.stackStarting ??= this.startStack());
  }

  bare(): Promise<BareBaseline> {
    return (this.bareStarting ??= this.startBare());
  }

  /** the production shape (bench/split-stack.ts), shared by the scenarios that measure it */
  split(): Promise<SplitStack> {
    return (this.splitStarting ??= startSplitStack().then((split) => {
      this.onFailure.push(() => split.stop());
      this.stops.push(() => split.stop());
      return split;
    }));
  }

  private async startStack(): Promise<BenchStack> {
    log('starting the Temporal dev server (in memory)…');
    const devServer = await startDevServer({ uiPort: false, log });
    this.onFailure.push(() => devServer.stop());
    // BENCH_DATABASE_URL: a PostgreSQL server on which the bench creates (and drops) its own database;
    // unset: in-memory PGlite, as the tests use by default.
    const postgresUrl = process.env.BENCH_DATABASE_URL || undefined;
    log(`starting the stack (API + worker + ${postgresUrl ? 'PostgreSQL' : 'in-memory PGlite'})…`);
    const t = await startTestStack(
      postgresUrl ? 'postgres' : 'pglite',
      { ...environment(), TEMPORAL_TASK_QUEUE: `testigo-bench-${randomBytes(4).toString('hex')}`, LOG_LEVEL: 'warn' },
      { devServer, postgresUrl, logStream: discard() },
    );
    const dataDir = t.stack.config.dataDir;
    this.onFailure.push(() => t.stop());
    const http = new BenchHttp(t.url, t.apiKey);
    this.stops.push(async () => {
      http.close();
      await t.stop();
      await devServer.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });
    return {
      t,
      stack: t.stack,
      devServer,
      http,
      api: new VerificationApi(http),
      databaseLabel: postgresUrl ? 'PostgreSQL (BENCH_DATABASE_URL)' : 'in-memory PGlite',
    };
  }

  private async startBare(): Promise<BareBaseline> {
    const { devServer, stack } = await this.stack();
    const bare = await startBareBaseline(devServer.address, stack.config.temporal.namespace);
    this.onFailure.push(() => bare.stop());
    // Stopped before the stack (stops run in reverse).
    this.stops.push(() => bare.stop());
    return bare;
  }

  /** Stops everything started, in reverse. */
  async stop(): Promise<void> {
    for (const stop of this.stops.splice(0).reverse()) await stop();
    this.onFailure.length = 0;
  }

  /** After a failure: every cleanup in reverse, none allowed more than 15 s. */
  async fail(): Promise<void> {
    for (const cleanup of this.onFailure.splice(0).reverse()) await Promise.race([cleanup().catch(() => undefined), sleep(15_000)]);
  }
}

/** The environment for the stack's configuration, without what the harness sets itself (as bench/run.ts always did). */
function environment(): Record<string, string> {
  const own = new Set(['PORT', 'DATA_DIR', 'TEMPORAL_ADDRESS', 'TEMPORAL_TASK_QUEUE', 'API_KEY', 'LOG_LEVEL']);
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !own.has(e[0])));
}

/**
 * The bare Temporal baseline on the server at `address`: its own bundle (bench/bare-workflow.ts), task queue and worker,
 * and a client on the same native connection (as app/stack.ts has it), so both sides pay the same transport.
 * `stop()` signals the long-lived bare workflows to end, then stops the worker and the connection; it runs once.
 */
export async function startBareBaseline(address: string, namespace: string): Promise<BareBaseline & { stop(): Promise<void> }> {
  log('bundling and starting the bare worker…');
  const queue = `bench-bare-${randomBytes(4).toString('hex')}`;
  const { code } = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./bare-workflow.ts', import.meta.url)),
    logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: (m) => log(m), error: (m) => log(m) },
  });
  const native = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection: native, namespace, taskQueue: queue, workflowBundle: { code } });
  const running = worker.run();
  const client = new Client({ connection: native, namespace });
  const longLived: Array<WorkflowHandle<typeof bareWorkflow>> = [];
  let stopping: Promise<void> | undefined;
  return {
    client,
    queue,
    startBare: async (tag) => {
      const handle = await client.workflow.start(bareWorkflow, { taskQueue: queue, workflowId: `bench-${tag}-${randomBytes(6).toString('hex')}` });
      longLived.push(handle);
      return handle;
    },
    startShort: () => client.workflow.start(bareStartWorkflow, { taskQueue: queue, workflowId: `bench-start-${randomBytes(8).toString('hex')}` }),
    stop: () =>
      (stopping ??= (async () => {
        await Promise.all(longLived.map((h) => h.signal(stopSignal).catch(() => undefined)));
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running.catch(() => undefined);
        await native.close();
      })()),
  };
}
