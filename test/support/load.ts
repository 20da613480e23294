// Two of everything under load (issue 9 §3): two `npm run api` and two `npm run worker` processes against one Temporal
// server and one PostgreSQL, behind a round-robin balancer, the sandbox as the external provider posting its webhooks
// to the balancer. Concurrent contract processes (customers tapping and typing on their handsets) and OTP
// verifications run while one worker is killed with SIGKILL and left dead. Then: every process completed with its
// certificate and completion callback, every verification approved with its callback, every handset shows exactly
// the business messages its process recorded (no duplicate, none missing), and the figures — processes completed per
// minute, the reaction from a customer's tap (inbound webhook) to the next message at the provider — are reported.
// `npm run load` runs it at size; test/e2e/scale.test.ts small.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { freePort } from '../../platform/dev-server';
import { summarize, type LatencySummary } from '../../bench/stats';
import { startBalancer } from './balancer';
import { callbackReceiver } from './callback-receiver';
import { call } from './crash-harness';
import { Cluster, cleanupOnExit, until } from './cluster';
import { newPhone, samplePdf, SandboxCustomer } from './customer';
import { startSandboxProvider } from './sandbox-provider';

export interface LoadOptions {
  processes: number;
  verifications: number;
  /** customers acting at once */
  concurrency: number;
  /** kill -9 worker-1 once this many processes have completed (default: a third); -1: no kill */
  killWorkerAfter?: number;
  log?: (line: string) => void;
}

export interface LoadResult {
  processes: { started: number; completed: number; perMinute: number };
  verifications: { started: number; approved: number };
  /** customer's tap at the provider → the next business message at the provider, ms */
  reaction: LatencySummary;
  /** process start → certificate issued, ms */
  processDuration: LatencySummary;
  killed?: { part: string; afterCompleted: number; atMs: number };
  /** API requests each API process answered (through the balancer) */
  servedByApi: number[];
  elapsedMs: number;
  /** every broken promise, in words; empty when nothing was lost or duplicated */
  failures: string[];
}

/** How long one customer or verification may take under load with a worker gone, before it counts as lost. */
const PATIENCE_MS = 240_000;

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const log = options.log ?? (() => undefined);
  const cluster = Cluster.create('testigo-load-');
  const release = cleanupOnExit(cluster);
  try {
    const [postgres, temporal] = await Promise.all([cluster.postgres(), cluster.temporal()]);
    const ports = [await freePort(), await freePort()];
    const apiUrls = ports.map((p) => `http://127.0.0.1:${p}`);
    const balancer = await startBalancer(apiUrls);
    cluster.onStop(() => balancer.close());
    const sandbox = await startSandboxProvider({ appUrl: balancer.url });
    cluster.onStop(() => sandbox.close());
    const callbacks = await callbackReceiver();
    cluster.onStop(async () => void (await callbacks.close()));
    const apiKey = `tsk_load_${randomBytes(16).toString('hex')}`;
    const common = {
      // one DATA_DIR for all, as a shared volume: the seal identity and the custody files
      DATA_DIR: path.join(cluster.dir, 'data'),
      DATABASE_URL: await postgres.createDatabase('testigo'),
      TEMPORAL_ADDRESS: temporal.address,
      PUBLIC_BASE_URL: balancer.url,
      API_KEY: apiKey,
      PAYLOAD_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'info',
      ...sandbox.env(),
    };
    const apis = ports.map((port, i) => cluster.app({ role: 'api', name: `api-${i + 1}`, env: { ...common, PORT: String(port) }, url: apiUrls[i] }));
    const workers = [1, 2].map((n) => cluster.app({ role: 'worker', name: `worker-${n}`, env: { ...common, PORT: '0' } }));
    log('starting two APIs and two workers on one PostgreSQL and one Temporal server…');
    await apis[0].start(); // migrates the database and creates the seal identity before the others read them
    await Promise.all([apis[1].start(), ...workers.map((w) => w.start())]);

    const api = (method: string, route: string, o: Parameters<typeof call>[3] = {}) => call(balancer.url, method, route, { apiKey, ...o });
    const sandboxClient = { request: (method: string, route: string, o: { body?: unknown } = {}) => call(sandbox.url, method, route, { body: o.body }) as any };
    const documents = [await samplePdf('Contrato', 2), await samplePdf('Condiciones generales', 1)];
    const failures: string[] = [];
    const reactions: number[] = [];
    const durations: number[] = [];
    let completed = 0;
    let approved = 0;
    let killed: LoadResult['killed'];
    const killAfter = options.killWorkerAfter ?? Math.max(1, Math.floor(options.processes / 3));
    const t0 = Date.now();

    const maybeKill = async () => {
      if (killed || killAfter < 0 || completed < killAfter) return;
      killed = { part: workers[0].name, afterCompleted: completed, atMs: Date.now() - t0 };
      log(`kill -9 ${workers[0].name} after ${completed} completed processes`);
      await workers[0].kill9();
    };

    const playProcess = async (n: number) => {
      const phone = newPhone();
      const started = Date.now();
      const created = await api('POST', '/v1/processes', {
        body: {
          reference: `LOAD-${n}`,
          customer: { phone, name: 'Ana García', locale: 'en', identification: { level: 'identified', reference: `crm-${n}` } },
          optIn: { mode: 'whatsapp' },
          documents: documents.map((bytes, i) => ({ name: i === 0 ? 'contract.pdf' : 'conditions.pdf', contentBase64: bytes.toString('base64') })),
          otp: { channel: 'sms', codeLength: 8 },
          callbackUrl: callbacks.url,
        },
        headers: { 'idempotency-key': `load-process-${n}-${phone}` },
      });
      if (created.status !== 201) throw new Error(`process ${n}: create answered ${created.status} ${JSON.stringify(created.body)}`);
      const id: string = created.body.id;
      const customer = new SandboxCustomer(sandboxClient, phone);
      await customer.tap('Yes, I agree', { timeoutMs: PATIENCE_MS });
      await customer.tap('Received & reviewed', { timeoutMs: PATIENCE_MS });
      await customer.tap('I accept', { timeoutMs: PATIENCE_MS });
      await customer.type(await customer.smsCode());
      const done = await until(
        async () => {
          const { body } = await api('GET', `/v1/processes/${id}`);
          const called = callbacks.received.some((c) => c.body.type === 'process.completed' && c.body.data?.id === id);
          return body.certificate && called ? body : undefined;
        },
        `process ${n} to complete with its certificate and callback`,
        PATIENCE_MS,
        200,
      );
      durations.push(Date.now() - started);
      completed++;
      await maybeKill();

      // exactly once at the handset: every business message it shows is one the process recorded, and vice versa
      const outbound = (done.messages as Array<{ messageId: string; direction: string }>).filter((m) => m.direction === 'outbound');
      const recorded = new Set<string>(outbound.map((m) => m.messageId));
      const shown = [...sandbox.store.whatsappFor(phone).filter((m) => m.from === 'business'), ...sandbox.store.smsFor(phone)].map((m) => m.id);
      if (new Set(shown).size !== shown.length) failures.push(`process ${n}: a message id shown twice at the handset`);
      const unrecorded = shown.filter((m) => !recorded.has(m));
      if (unrecorded.length)
        failures.push(`process ${n}: ${unrecorded.length} business message(s) at the handset the process did not record (a duplicate send)`);
      const missing = [...recorded].filter((m) => !shown.includes(m));
      if (missing.length) failures.push(`process ${n}: ${missing.length} recorded message(s) never reached the handset`);
      const certificate = await api('GET', `/v1/processes/${id}/certificate`);
      const verdict = await api('POST', `/v1/evidence/verify?processId=${id}`, { raw: certificate.body, contentType: 'application/pdf' });
      if (verdict.body?.valid !== true) failures.push(`process ${n}: its certificate does not verify (${JSON.stringify(verdict.body).slice(0, 200)})`);
      reactions.push(...tapReactions(sandbox.store.whatsappFor(phone), sandbox.store.smsFor(phone)));
    };

    const playVerification = async (n: number) => {
      const phone = newPhone();
      const created = await api('POST', '/v1/verifications', {
        body: { to: phone, channel: 'sms', callbackUrl: callbacks.url },
        headers: { 'idempotency-key': `load-verification-${n}-${phone}` },
      });
      if (created.status !== 201) throw new Error(`verification ${n}: create answered ${created.status} ${JSON.stringify(created.body)}`);
      const id: string = created.body.id;
      const sms = await until(() => sandbox.store.smsFor(phone)[0], `verification ${n}'s SMS`, PATIENCE_MS, 100);
      const code = /\b(\d{6})\b/.exec(sms.body)![1];
      const check = await api('POST', `/v1/verifications/${id}/checks`, { body: { code }, timeoutMs: PATIENCE_MS });
      if (check.status !== 200 || !check.body.valid) throw new Error(`verification ${n}: check answered ${check.status} ${JSON.stringify(check.body)}`);
      await until(
        () => (callbacks.received.some((c) => c.body.type === 'verification.approved' && c.body.data?.id === id) ? true : undefined),
        `verification ${n}'s approved callback`,
        PATIENCE_MS,
        100,
      );
      if (sandbox.store.smsFor(phone).length !== 1) failures.push(`verification ${n}: ${sandbox.store.smsFor(phone).length} SMS at the handset, not 1`);
      approved++;
    };

    // a pool of `concurrency` customers working through processes and verifications interleaved
    const jobs: Array<() => Promise<void>> = [];
    for (let i = 0; i < Math.max(options.processes, options.verifications); i++) {
      if (i < options.processes) jobs.push(() => playProcess(i));
      if (i < options.verifications) jobs.push(() => playVerification(i));
    }
    log(`${options.processes} processes and ${options.verifications} verifications, ${options.concurrency} at a time…`);
    let cursor = 0;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (cursor < jobs.length) {
          const job = jobs[cursor++];
          await job().catch((error: Error) => failures.push(error.message.split('\n')[0]));
        }
      }),
    );
    const elapsedMs = Date.now() - t0;

    // every callback event id arrives with one body: retries repeat it, nothing else shares it
    const byId = new Map<string, string>();
    for (const c of callbacks.received) {
      const seen = byId.get(c.body.id);
      if (seen !== undefined && seen !== c.raw) failures.push(`callback event ${c.body.id} arrived with two different bodies`);
      byId.set(c.body.id, c.raw);
    }
    if (completed < options.processes) failures.push(`${options.processes - completed} of ${options.processes} processes did not complete`);
    if (approved < options.verifications) failures.push(`${options.verifications - approved} of ${options.verifications} verifications were not approved`);

    return {
      processes: { started: options.processes, completed, perMinute: completed / (elapsedMs / 60_000) },
      verifications: { started: options.verifications, approved },
      reaction: summarize(reactions),
      processDuration: summarize(durations),
      killed,
      servedByApi: balancer.served,
      elapsedMs,
      failures,
    };
  } finally {
    await cluster.stop();
    release();
  }
}

/** For each button the customer tapped, the time from the provider receiving the tap to it receiving the business's next message (chat or SMS). */
export function tapReactions(chat: Array<{ from: string; type: string; at: string }>, sms: Array<{ at: string }>): number[] {
  const business = [...chat.filter((m) => m.from === 'business'), ...sms].map((m) => Date.parse(m.at)).sort((a, b) => a - b);
  const reactions: number[] = [];
  for (const tap of chat.filter((m) => m.from === 'customer' && m.type !== 'text')) {
    const at = Date.parse(tap.at);
    const next = business.find((b) => b >= at);
    if (next !== undefined) reactions.push(next - at);
  }
  return reactions;
}
