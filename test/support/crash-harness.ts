// The kill -9 harness (issue 9 §2): real contract processes and OTP verifications driven through the sandbox while one
// part of the deployment — the worker, the API, the Temporal server, PostgreSQL (split topology), or the `npm start`
// process and its dev server (one-process topology) — is killed with SIGKILL at a step of the process and started
// again. Each cell (step × victim) then asserts what PRODUCT.md §6 promises: everything completes, the handset shows
// each business message once, every callback arrives (retries with the same event id), every webhook answered 2xx
// had its effect, the evidence and custody verify. `npm run crash` runs the whole matrix; test/e2e/crash.test.ts a
// few cells.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { AesGcmCodec } from '../../platform/codec';
import { freePort } from '../../platform/dev-server';
import { deriveKeys } from '../../platform/keys';
import { processWorkflowId } from '../../shared/process';
import { workflowBundle } from '../../worker/create-worker';
import { AppProcess, Cluster, devServerPidOf, alive, until, type PrivatePostgres, type TemporalServer } from './cluster';
import { newPhone, samplePdf, SandboxCustomer, type HandsetMessage } from './customer';
import { startSandboxProvider, type SandboxProvider } from './sandbox-provider';

export type Topology = 'start' | 'split';

export const STEPS = ['opt_in_sent', 'documents_sent', 'acceptance_pending', 'otp_sent', 'sealing', 'delivery', 'certificate', 'callback'] as const;
export type Step = (typeof STEPS)[number];

export const VICTIMS = { start: ['app', 'devserver'], split: ['worker', 'api', 'temporal', 'postgres'] } as const;
export type Victim = (typeof VICTIMS)[Topology][number];

const STEP_LABEL: Record<Step, string> = {
  opt_in_sent: 'opt-in sent',
  documents_sent: 'documents sent',
  acceptance_pending: 'acceptance pending',
  otp_sent: 'OTP sent',
  sealing: 'sealing',
  delivery: 'delivery',
  certificate: 'certificate',
  callback: 'callback',
};

const VICTIM_LABEL: Record<Victim, string> = {
  app: 'npm start process',
  devserver: 'its dev server',
  worker: 'worker',
  api: 'API',
  temporal: 'Temporal server',
  postgres: 'PostgreSQL',
};

// ───────────────────────────── HTTP ─────────────────────────────

export interface Reply {
  status: number;
  body: any;
}

/** One request; a refused connection or a 5xx (a part is down) is retried until `timeoutMs`. */
export async function call(
  base: string,
  method: string,
  route: string,
  options: { apiKey?: string | null; body?: unknown; raw?: Buffer; contentType?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Reply> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let last = '';
  for (;;) {
    try {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      if (options.raw) headers['content-type'] = options.contentType ?? 'application/octet-stream';
      const response = await fetch(`${base}${route}`, {
        method,
        headers,
        body: options.raw ? new Uint8Array(options.raw) : options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(30_000),
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      let body: unknown = bytes;
      if ((response.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(bytes.toString('utf8'));
      if (response.status < 500) return { status: response.status, body };
      last = `${response.status} ${bytes.toString('utf8').slice(0, 300)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${method} ${route}: no answer but ${last}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// ───────────────────────────── callbacks ─────────────────────────────

export interface Callback {
  id: string;
  type: string;
  subject: string;
  body: any;
  at: number;
}

/** The business's callback endpoint: records every POST; `beforeAnswer` may act (kill) before it answers. */
async function callbackEndpoint() {
  const received: Callback[] = [];
  let beforeAnswer: ((c: Callback) => Promise<void> | void) | undefined;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', async () => {
      const body = JSON.parse(raw);
      const callback: Callback = { id: body.id, type: body.type, subject: body.data?.id, body, at: Date.now() };
      received.push(callback);
      try {
        await beforeAnswer?.(callback);
      } finally {
        res.writeHead(204).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/testigo`,
    received,
    set beforeAnswer(hook: ((c: Callback) => Promise<void> | void) | undefined) {
      beforeAnswer = hook;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

// ───────────────────────────── deployments ─────────────────────────────

export interface Deployment {
  topology: Topology;
  url: string;
  apiKey: string;
  cluster: Cluster;
  sandbox: SandboxProvider;
  callbacks: Awaited<ReturnType<typeof callbackEndpoint>>;
  /** the Temporal frontend and the payload key, to read and replay histories */
  temporalAddress: string;
  payloadKey: string;
  /** the pid a kill of the victim hits now */
  pidOf(victim: Victim): number | undefined;
  /** kill -9 of the victim; resolves once it is gone */
  kill(victim: Victim): Promise<void>;
  /** starts it again; resolves once it serves */
  restart(victim: Victim): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Brings up a deployment in a fresh cluster directory. The sandbox runs in this process as an external provider would
 * (it survives the app's processes and keeps retrying its webhooks), so a kill hits Testigo alone.
 */
export async function deploy(topology: Topology, cluster: Cluster, log: (line: string) => void = () => undefined): Promise<Deployment> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const apiKey = `tsk_crash_${randomBytes(16).toString('hex')}`;
  const sandbox = await startSandboxProvider({ appUrl: url });
  cluster.onStop(() => sandbox.close());
  const callbacks = await callbackEndpoint();
  cluster.onStop(() => callbacks.close());
  const payloadKey = randomBytes(32).toString('base64');
  const common = {
    DATA_DIR: path.join(cluster.dir, 'data'),
    PORT: String(port),
    PUBLIC_BASE_URL: url,
    API_KEY: apiKey,
    PAYLOAD_KEY: payloadKey,
    LOG_LEVEL: 'info',
    TEMPLATE_STATUS_TTL: '1s',
    ...sandbox.env(),
  };

  if (topology === 'start') {
    const devPort = await freePort();
    const env = {
      ...common,
      TEMPORAL_ADDRESS: '',
      DATABASE_URL: '',
      TEMPORAL_DEV_PORT: String(devPort),
      TEMPORAL_UI_PORT: String(await freePort()),
    };
    const app = cluster.app({ role: 'start', env, url });
    log('starting npm start…');
    await app.start();
    let serverPid: number | undefined;
    let mark = 0;
    return {
      topology,
      url,
      apiKey,
      cluster,
      sandbox,
      callbacks,
      temporalAddress: `127.0.0.1:${devPort}`,
      payloadKey,
      pidOf: (victim) => (victim === 'app' ? app.pid : devServerPidOf(common.DATA_DIR)),
      async kill(victim) {
        if (victim === 'app') {
          const devServer = devServerPidOf(common.DATA_DIR);
          await app.kill9();
          // npm start's promise: its dev server does not outlive it (parent-death signal)
          if (devServer) await until(() => (alive(devServer) ? undefined : true), 'the dev server to die with npm start', 20_000);
          return;
        }
        serverPid = devServerPidOf(common.DATA_DIR);
        assert.ok(serverPid, 'the dev server pid file');
        mark = app.mark();
        process.kill(serverPid, 'SIGKILL');
        await until(() => (alive(serverPid!) ? undefined : true), 'the dev server to be gone', 10_000);
      },
      async restart(victim) {
        if (victim === 'app') return app.start();
        // npm start restarts its dev server by itself
        await until(
          () => (app.printedSince(mark).includes('The Temporal dev server is back') ? true : undefined),
          'npm start to restart its dev server',
          60_000,
        );
        assert.notEqual(devServerPidOf(common.DATA_DIR), serverPid);
      },
      stop: () => cluster.stop(),
    };
  }

  log('starting PostgreSQL, the Temporal server, the API and the worker…');
  const [postgres, temporal] = await Promise.all([cluster.postgres(), cluster.temporal()]);
  const env = { ...common, DATABASE_URL: await postgres.createDatabase('testigo'), TEMPORAL_ADDRESS: temporal.address };
  const api = cluster.app({ role: 'api', env, url });
  const worker = cluster.app({ role: 'worker', env });
  await api.start(); // migrates the database and creates the seal identity before the worker reads it
  await worker.start();
  const parts: Record<string, AppProcess | PrivatePostgres | TemporalServer> = { api, worker, temporal, postgres };
  return {
    topology,
    url,
    apiKey,
    cluster,
    sandbox,
    callbacks,
    temporalAddress: temporal.address,
    payloadKey,
    pidOf: (victim) => parts[victim].pid,
    kill: (victim) => parts[victim].kill9(),
    restart: (victim) => parts[victim].start(),
    stop: () => cluster.stop(),
  };
}

// ───────────────────────────── one cell ─────────────────────────────

export interface CellResult {
  step: Step;
  victim: Victim;
  ok: boolean;
  /** what had happened when the kill hit */
  moment: string;
  /** failed assertions */
  failures: string[];
  /** kill → process completed with its certificate, ms (reported, never asserted) */
  recoveryMs?: number;
  /** the customer's messages whose webhook was never answered 2xx (allowed to have no effect) */
  unanswered: number;
  /** callback POSTs received for the cell's process and verification, and how many were retries of an event id */
  callbacks: { posts: number; retries: number };
}

interface Observation {
  process: any;
  chat: HandsetMessage[];
  sms: Array<{ id: string; body: string }>;
}

/** the business messages at the handset that the process has not recorded (a send whose result is not written yet) */
const unrecorded = (o: Observation) => {
  const recorded = new Set<string>((o.process?.messages ?? []).map((m: any) => m.messageId));
  return [...o.chat.filter((m) => m.from === 'business').map((m) => m.id), ...o.sms.map((s) => s.id)].filter((id) => !recorded.has(id));
};

const recordedMessage = (o: Observation, purpose: string, n = 1) => (o.process?.messages ?? []).filter((m: any) => m.purpose === purpose).length >= n;
const hasEvent = (o: Observation, type: string) => (o.process?.events ?? []).some((e: any) => e.type === type);
const countEvents = (o: Observation, type: string) => (o.process?.events ?? []).filter((e: any) => e.type === type).length;

/**
 * When to kill, per step: a test of what has been observed (the process as the API shows it, the handset) and how
 * to describe the moment. A kill waits until every message at the handset is recorded by the process (no send
 * between the provider's accept and the outbox write), so every kill is at a well-defined point; runWindowProbe
 * kills inside that window instead.
 */
const TRIGGERS: Record<Exclude<Step, 'callback'>, { fires: (o: Observation) => boolean; moment: (o: Observation) => string }> = {
  opt_in_sent: {
    fires: (o) => recordedMessage(o, 'opt_in'),
    moment: () => 'opt-in template at the handset and recorded; no answer yet',
  },
  documents_sent: {
    fires: (o) => recordedMessage(o, 'document'),
    moment: (o) => `${(o.process.messages as any[]).filter((m) => m.purpose === 'document').length} of 2 documents delivered and recorded`,
  },
  acceptance_pending: {
    fires: (o) =>
      o.process?.status === 'awaiting_acceptance' && unrecorded(o).length === 0 && o.chat.some((m) => m.buttons?.some((b) => b.title === 'I accept')),
    moment: () => 'acceptance prompt at the handset; waiting for the customer',
  },
  otp_sent: {
    fires: (o) => o.process?.status === 'awaiting_otp' && hasEvent(o, 'otp.sent') && o.sms.length > 0,
    moment: () => 'code SMS at the handset and recorded; not typed yet',
  },
  sealing: {
    fires: (o) => o.process?.status === 'signing' || hasEvent(o, 'document.sealed') || o.process?.status === 'completed',
    moment: (o) => `status ${o.process.status}, ${countEvents(o, 'document.sealed')} of 2 documents sealed`,
  },
  delivery: {
    fires: (o) => recordedMessage(o, 'signed_document') || hasEvent(o, 'signed_documents.delivered'),
    moment: (o) => `${(o.process.messages as any[]).filter((m) => m.purpose === 'signed_document').length} of 2 sealed documents delivered and recorded`,
  },
  certificate: {
    fires: (o) => hasEvent(o, 'signed_documents.delivered') || o.process?.status === 'completed',
    moment: (o) => (o.process.certificate ? 'certificate already issued (the kill came after it)' : `status ${o.process.status}, certificate being issued`),
  },
};

/** the customer's next action waits for the kill when the kill's step comes at or before it */
const gateIndex = { tapOptIn: 0, tapReviewed: 1, tapAccept: 2, typeCode: 3 } as const;

export async function runCell(d: Deployment, step: Step, victim: Victim, log: (line: string) => void = () => undefined): Promise<CellResult> {
  const result: CellResult = { step, victim, ok: false, moment: '', failures: [], unanswered: 0, callbacks: { posts: 0, retries: 0 } };
  const api = (method: string, route: string, options: Parameters<typeof call>[3] = {}) => call(d.url, method, route, { apiKey: d.apiKey, ...options });
  const sandboxRequest = {
    request: (method: string, route: string, o: { body?: unknown } = {}) => call(d.sandbox.url, method, route, { body: o.body }) as any,
  };

  const documents = [await samplePdf('Contrato', 2), await samplePdf('Condiciones generales', 1)];
  const phone = newPhone();
  const created = await api('POST', '/v1/processes', {
    body: {
      reference: `CRASH-${step}-${victim}-${randomBytes(3).toString('hex')}`,
      customer: { phone, name: 'Ana García', locale: 'en', identification: { level: 'identified', reference: 'crm-889' } },
      optIn: { mode: 'whatsapp' },
      documents: documents.map((bytes, i) => ({ name: i === 0 ? 'contract.pdf' : 'conditions.pdf', contentBase64: bytes.toString('base64') })),
      otp: { channel: 'sms', codeLength: 8 },
      callbackUrl: d.callbacks.url,
    },
    headers: { 'idempotency-key': randomBytes(12).toString('hex') },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const processId: string = created.body.id;
  const verificationPhone = newPhone();
  const verification = await api('POST', '/v1/verifications', {
    body: { to: verificationPhone, channel: 'sms', brand: 'Acme', callbackUrl: d.callbacks.url },
    headers: { 'idempotency-key': randomBytes(12).toString('hex') },
  });
  assert.equal(verification.status, 201, JSON.stringify(verification.body));
  const verificationId: string = verification.body.id;
  log(`  ${STEP_LABEL[step]} × ${VICTIM_LABEL[victim]}: process ${processId}, verification ${verificationId}`);

  // ── the kill, at the step ──
  let killedAt: number | undefined;
  let resolveKilled!: () => void;
  const killed = new Promise<void>((r) => (resolveKilled = r));
  const waitKilled = () =>
    Promise.race([
      killed,
      new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`the step ${STEP_LABEL[step]} was never observed: no kill`)), 300_000).unref()),
    ]);
  let restarted: Promise<void> | undefined;
  const killNow = async (moment: string) => {
    if (killedAt !== undefined) return;
    killedAt = Date.now();
    result.moment = moment;
    await d.kill(victim);
    resolveKilled();
    restarted = d.restart(victim);
    // awaited later (a failed restart fails the cell); until then its rejection must not end the whole run
    restarted.catch(() => undefined);
  };
  const observe = async (): Promise<Observation> => ({
    process: (await api('GET', `/v1/processes/${processId}`)).body,
    chat: d.sandbox.store.whatsappFor(phone) as unknown as HandsetMessage[],
    sms: d.sandbox.store.smsFor(phone),
  });
  let watching = true;
  const watcher = (async () => {
    if (step === 'callback') {
      d.callbacks.beforeAnswer = async (c) => {
        if (c.subject === processId && c.type === 'process.completed') await killNow('process.completed callback received, not yet answered');
      };
      return;
    }
    const trigger = TRIGGERS[step];
    while (watching && killedAt === undefined) {
      const o = await observe();
      // Outside the outbox's residual window by construction: no request at the provider, and every message at the
      // handset is one the process has recorded (so its outbox write is done).
      if (o.process && trigger.fires(o) && unrecorded(o).length === 0 && d.sandbox.inFlight() === 0) {
        await killNow(trigger.moment(o));
        return;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();

  // ── the customer and the verifying user ──
  const customer = new SandboxCustomer(sandboxRequest, phone);
  const gate = async (action: keyof typeof gateIndex) => {
    if (STEPS.indexOf(step) <= gateIndex[action]) await waitKilled();
  };
  const tap = async (title: string) => {
    const message = await until(
      // a message the handset shows (the provider reported it sent), not one still only accepted
      () => customer.chat().then((c) => c.filter((m) => m.from === 'business' && m.status !== 'accepted' && m.buttons?.some((b) => b.title === title)).at(-1)),
      `"${title}"`,
      180_000,
      50,
    );
    await customer.send({ buttonId: message.buttons!.find((b) => b.title === title)!.id, contextId: message.id });
  };
  const customerScript = (async () => {
    await gate('tapOptIn');
    await tap('Yes, I agree');
    await until(
      () => customer.chat().then((c) => (c.filter((m) => m.from === 'business' && m.type === 'document').length >= 2 ? true : undefined)),
      'the documents',
      180_000,
    );
    await gate('tapReviewed');
    await tap('Received & reviewed');
    await gate('tapAccept');
    await tap('I accept');
    const code = await until(() => customer.sms().then((s) => (s.length ? /\b(\d{8})\b/.exec(s.at(-1)!.body)?.[1] : undefined)), 'the code SMS', 180_000);
    await gate('typeCode');
    await customer.type(code);
  })();
  const verifier = (async () => {
    const sms = await until(() => d.sandbox.store.smsFor(verificationPhone)[0], 'the verification SMS', 180_000);
    const code = /\b(\d{6})\b/.exec(sms.body)![1];
    await waitKilled(); // the check crosses the kill
    // a client retries until it gets an answer; a correct code repeated after approval says "approved"
    return until(
      async () => {
        const answer = await api('POST', `/v1/verifications/${verificationId}/checks`, { body: { code }, timeoutMs: 180_000 });
        return answer.status === 200 ? answer.body : undefined;
      },
      'the verification check',
      180_000,
      500,
    );
  })();

  try {
    await Promise.all([customerScript, verifier, watcher]);
    const done = await until(
      async () => {
        const { body } = await api('GET', `/v1/processes/${processId}`);
        return body.certificate && d.callbacks.received.some((c) => c.subject === processId && c.type === 'process.completed') ? body : undefined;
      },
      'the process to complete with its certificate and its completion callback',
      300_000,
      200,
    );
    if (killedAt === undefined) throw new Error(`the step ${step} was never observed: no kill`);
    result.recoveryMs = Date.now() - killedAt;
    // Status callbacks keep their own retry schedule: one the kill cut short comes back after its 15 s start-to-close
    // timeout and a 5 s backoff, possibly after the process completed. Give them that long; checkCell then names any
    // status never announced.
    await until(
      async () => (ANNOUNCED_STATUSES.every((status) => announced(d, processId).has(status)) ? true : undefined),
      'every status callback',
      60_000,
      200,
    ).catch(() => undefined);
    await restarted;
    const approved = await until(
      async () => {
        const { body } = await api('GET', `/v1/verifications/${verificationId}`);
        return body.status === 'approved' && d.callbacks.received.some((c) => c.subject === verificationId && c.type === 'verification.approved')
          ? body
          : undefined;
      },
      'the verification to be approved and its callback',
      180_000,
      200,
    );
    result.failures.push(...(await checkCell(d, { processId, phone, documents, done, verificationId, verificationPhone, approved, result })));
  } catch (error) {
    result.failures.push((error as Error).message.split('\n')[0]);
  } finally {
    watching = false;
    d.callbacks.beforeAnswer = undefined;
    if (killedAt !== undefined) await Promise.resolve(restarted).catch((e) => result.failures.push(`restart: ${(e as Error).message.split('\n')[0]}`));
    if (killedAt === undefined) result.moment ||= 'never reached';
  }
  result.ok = result.failures.length === 0;
  return result;
}

/** the statuses a completed process announces, each in a process.status_changed callback */
const ANNOUNCED_STATUSES = ['awaiting_review', 'awaiting_acceptance', 'awaiting_otp', 'signing', 'completed'];

/** the statuses the process's status_changed callbacks announced so far */
function announced(d: Deployment, processId: string): Set<string> {
  return new Set(d.callbacks.received.filter((cb) => cb.subject === processId && cb.type === 'process.status_changed').map((cb) => cb.body.data?.status));
}

/** What every cell must show after the crash. Returns the failures, each in words. */
async function checkCell(
  d: Deployment,
  c: { processId: string; phone: string; documents: Buffer[]; done: any; verificationId: string; verificationPhone: string; approved: any; result: CellResult },
): Promise<string[]> {
  const failures: string[] = [];
  const fail = (what: string) => failures.push(what);
  const api = (method: string, route: string, options: Parameters<typeof call>[3] = {}) => call(d.url, method, route, { apiKey: d.apiKey, ...options });
  const p = c.done;
  if (p.status !== 'completed') fail(`process ended ${p.status} (${p.reason})`);

  // Exactly once at the handset: every business message differs from the others and is one the process recorded
  // (a message at the handset that no activity recorded is a send whose answer was lost — it went out twice, or
  // once unrecorded).
  const chat = d.sandbox.store.whatsappFor(c.phone);
  const business = chat.filter((m) => m.from === 'business');
  const content = (m: (typeof business)[number]) =>
    JSON.stringify({ type: m.type, text: m.text, doc: m.document?.filename, sha: m.document?.sha256, buttons: m.buttons?.map((b) => b.title) });
  const seen = new Map<string, number>();
  for (const m of business) seen.set(content(m), (seen.get(content(m)) ?? 0) + 1);
  for (const [what, n] of seen) if (n > 1) fail(`the handset shows a business message ${n} times: ${what.slice(0, 120)}`);
  const recorded = new Map<string, any>((p.messages as any[]).map((m) => [m.messageId, m]));
  for (const m of business) if (!recorded.has(m.id)) fail(`a business message at the handset is not in the process record (${m.type} ${m.id})`);
  const sms = d.sandbox.store.smsFor(c.phone);
  if (sms.length !== (p.otp?.codes ?? 1)) fail(`the handset got ${sms.length} code SMS for ${p.otp?.codes} code(s)`);
  for (const s of sms) if (!recorded.has(s.id)) fail(`a code SMS at the handset is not in the process record (${s.id})`);
  const verificationSms = d.sandbox.store.smsFor(c.verificationPhone);
  if (verificationSms.length !== 1) fail(`the verification's handset got ${verificationSms.length} SMS, not 1`);
  if ((c.approved.sends ?? []).length !== 1) fail(`the verification records ${(c.approved.sends ?? []).length} sends, not 1`);

  // Every webhook answered 2xx had its effect: a customer message the sandbox delivered (status delivered/read) is in
  // the process's record; one never answered 2xx may have none (the customer would tap again).
  for (const m of chat.filter((m) => m.from === 'customer')) {
    if (m.status === 'delivered' || m.status === 'read') {
      if (!recorded.has(m.id) && !(p.events as any[]).some((e) => e.messageIds?.includes(m.id)))
        fail(`the customer's ${m.type} ${m.id} was answered 2xx but had no effect`);
    } else c.result.unanswered++;
  }

  // Callbacks: each status the process went through was announced, process.completed arrived, retries repeat the id
  const mine = d.callbacks.received.filter((cb) => cb.subject === c.processId || cb.subject === c.verificationId);
  const byId = new Map<string, typeof mine>();
  for (const cb of mine) byId.set(cb.id, [...(byId.get(cb.id) ?? []), cb]);
  c.result.callbacks = { posts: mine.length, retries: mine.length - byId.size };
  for (const [id, posts] of byId)
    if (new Set(posts.map((x) => `${x.type}:${x.body.data?.status}`)).size > 1) fail(`callback ${id} was retried with another content`);
  const statuses = announced(d, c.processId);
  for (const status of ANNOUNCED_STATUSES) {
    if (!statuses.has(status)) fail(`no process.status_changed callback announced ${status}`);
  }
  const perType = (type: string, subject: string) => new Set(mine.filter((cb) => cb.type === type && cb.subject === subject).map((cb) => cb.id)).size;
  if (perType('process.completed', c.processId) !== 1) fail(`process.completed arrived under ${perType('process.completed', c.processId)} event ids`);
  if (perType('verification.approved', c.verificationId) !== 1)
    fail(`verification.approved arrived under ${perType('verification.approved', c.verificationId)} event ids`);

  // Every history replays against the code (what the restarted worker had to do, and will do after any restart)
  failures.push(...(await replayFailures(d, [processWorkflowId(c.processId), `verification-${c.verificationId}`])));

  // Evidence and custody: the originals are byte for byte what was uploaded; the certificate and both sealed
  // documents verify (seal, chain, JWS, custody)
  for (const [i, doc] of (p.documents as any[]).entries()) {
    const original = await api('GET', `/v1/processes/${c.processId}/documents/${doc.id}`);
    if (!Buffer.isBuffer(original.body) || !original.body.equals(c.documents[i])) fail(`document ${i + 1} in custody differs from the upload`);
    if (!doc.signedSha256) fail(`document ${i + 1} has no sealed copy`);
    const signed = await api('GET', `/v1/processes/${c.processId}/documents/${doc.id}/signed`);
    const verdict = await api('POST', `/v1/evidence/verify?processId=${c.processId}`, { raw: signed.body, contentType: 'application/pdf' });
    if (verdict.body?.valid !== true) fail(`sealed document ${i + 1} does not verify: ${failedChecks(verdict.body)}`);
  }
  const certificate = await api('GET', `/v1/processes/${c.processId}/certificate`);
  const verdict = await api('POST', `/v1/evidence/verify?processId=${c.processId}`, { raw: certificate.body, contentType: 'application/pdf' });
  if (verdict.body?.valid !== true || verdict.body.kind !== 'certificate') fail(`the certificate does not verify: ${failedChecks(verdict.body)}`);
  else if (!verdict.body.checks.some((x: any) => x.name === 'certificate_in_custody' && x.ok)) fail('the certificate is not the one in custody');
  return failures;
}

/** Replays each workflow's full history with today's workflow code; a TMPRL1100 here is a process stuck after a restart. */
async function replayFailures(d: Deployment, workflowIds: string[]): Promise<string[]> {
  const keys = deriveKeys(Buffer.from(d.payloadKey, 'base64'));
  const codec = new AesGcmCodec([{ id: keys.payloadKeyId, key: keys.payload }]);
  const connection = await Connection.connect({ address: d.temporalAddress });
  const failures: string[] = [];
  try {
    const client = new Client({ connection });
    for (const workflowId of workflowIds) {
      const history = await client.workflow.getHandle(workflowId).fetchHistory();
      try {
        await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter: { payloadCodecs: [codec] } }, history, workflowId);
      } catch (error) {
        failures.push(`${workflowId} does not replay: ${/\[TMPRL\d+\][^"]*/.exec((error as Error).message)?.[0] ?? (error as Error).message.slice(0, 200)}`);
      }
    }
  } finally {
    await connection.close();
  }
  return failures;
}

const failedChecks = (body: any) =>
  Array.isArray(body?.checks)
    ? body.checks
        .filter((x: any) => !x.ok)
        .map((x: any) => `${x.name}: ${x.detail}`)
        .join('; ')
    : JSON.stringify(body).slice(0, 200);

// ───────────────────────────── the duplicate window ─────────────────────────────

export interface WindowProbe {
  topology: Topology;
  victim: Victim;
  /** copies of the opt-in template at the handset */
  copies: number;
  /** the outbox row was "sending", without the provider's id, when the kill hit */
  detail: string;
}

/**
 * Kills the process that runs the worker at the one moment the outbox cannot cover: the provider has stored the
 * opt-in template (the sandbox's store listener runs before it answers the HTTP request) and the activity has not
 * yet written the provider's message id. The activity's retry (after its start-to-close timeout, the worker being
 * dead) finds no id and sends again: the handset shows the template twice. This is the residual window documented in
 * messaging/outbox.ts, shown here on purpose; the matrix's kills are placed outside it.
 */
export async function runWindowProbe(d: Deployment, victim: Victim, log: (line: string) => void = () => undefined): Promise<WindowProbe> {
  const api = (method: string, route: string, options: Parameters<typeof call>[3] = {}) => call(d.url, method, route, { apiKey: d.apiKey, ...options });
  const phone = newPhone();
  let killed = false;
  const unsubscribe = d.sandbox.store.subscribe((changed) => {
    if (killed || changed !== phone || !d.sandbox.store.whatsappFor(phone).some((m) => m.from === 'business')) return;
    killed = true;
    process.kill(d.pidOf(victim)!, 'SIGKILL'); // synchronously: before the provider's answer leaves
  });
  try {
    const created = await api('POST', '/v1/processes', {
      body: {
        reference: `WINDOW-${randomBytes(3).toString('hex')}`,
        customer: { phone, name: 'Ana García', locale: 'en' },
        optIn: { mode: 'whatsapp' },
        documents: [{ name: 'contract.pdf', contentBase64: (await samplePdf()).toString('base64') }],
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    log(`  window probe (${VICTIM_LABEL[victim]}): process ${created.body.id}`);
    await until(() => (killed ? true : undefined), 'the opt-in at the provider', 120_000);
    await d.kill(victim); // waits until it is gone
    await d.restart(victim);
    // the activity is retried once its start-to-close timeout (2 min) passes: wait for the process to move on
    const process_ = await until(
      async () => {
        const { body } = await api('GET', `/v1/processes/${created.body.id}`);
        return (body.messages ?? []).some((m: any) => m.purpose === 'opt_in') ? body : undefined;
      },
      'the opt-in send to be retried and recorded',
      300_000,
      500,
    );
    const copies = d.sandbox.store.whatsappFor(phone).filter((m) => m.from === 'business').length;
    const recorded = (process_.messages as any[]).filter((m) => m.purpose === 'opt_in').map((m) => m.messageId);
    return { topology: d.topology, victim, copies, detail: `${copies} opt-in template(s) at the handset; the process recorded ${recorded.join(', ')}` };
  } finally {
    unsubscribe();
  }
}

// ───────────────────────────── the matrix ─────────────────────────────

export interface MatrixOptions {
  topologies?: Topology[];
  steps?: readonly Step[];
  victims?: Partial<Record<Topology, readonly Victim[]>>;
  /** explicit cells instead of steps × victims */
  cells?: Partial<Record<Topology, ReadonlyArray<readonly [Step, Victim]>>>;
  log?: (line: string) => void;
  /** keep the cluster directories (data, logs) after the run */
  keep?: boolean;
  /** also run the duplicate-window probe (worker / npm start process killed inside a send) */
  window?: boolean;
}

export interface MatrixResult {
  topology: Topology;
  cells: CellResult[];
  window?: WindowProbe;
  dir: string;
}

/** Runs the cells topology by topology, one deployment each; nothing is left running when it returns or throws. */
export async function runMatrix(options: MatrixOptions = {}): Promise<MatrixResult[]> {
  const log = options.log ?? (() => undefined);
  const results: MatrixResult[] = [];
  for (const topology of options.topologies ?? (['split', 'start'] as Topology[])) {
    const cluster = Cluster.create(`testigo-crash-${topology}-`);
    const { cleanupOnExit } = await import('./cluster');
    const release = cleanupOnExit(cluster);
    const cells: CellResult[] = [];
    results.push({ topology, cells, dir: cluster.dir });
    try {
      const d = await deploy(topology, cluster, log);
      const plan =
        options.cells?.[topology] ??
        (options.victims?.[topology] ?? VICTIMS[topology]).flatMap((victim) => (options.steps ?? STEPS).map((step) => [step, victim] as const));
      for (const [step, victim] of plan) {
        const cell = await runCell(d, step, victim, log);
        cells.push(cell);
        log(
          `    ${cell.ok ? 'ok' : 'FAILED'} — kill at: ${cell.moment}${cell.recoveryMs ? `; completed ${(cell.recoveryMs / 1000).toFixed(1)} s after the kill` : ''}`,
        );
        for (const f of cell.failures) log(`      ✗ ${f}`);
      }
      if (options.window) {
        const probe = await runWindowProbe(d, topology === 'split' ? 'worker' : 'app', log);
        results.at(-1)!.window = probe;
        log(`    window probe: ${probe.detail}`);
      }
    } finally {
      await cluster.stop();
      release();
      if (!options.keep && results.at(-1)!.cells.every((c) => c.ok)) {
        const { rmSync } = await import('node:fs');
        rmSync(cluster.dir, { recursive: true, force: true });
      }
    }
  }
  return results;
}

/** steps × victims, one table per topology, with the moment each kill hit underneath */
export function formatTable(results: MatrixResult[]): string {
  const out: string[] = [];
  for (const { topology, cells, dir } of results) {
    const victims = [...new Set(cells.map((c) => c.victim))];
    const steps = STEPS.filter((s) => cells.some((c) => c.step === s));
    out.push(`\n${topology === 'start' ? '`npm start` (one process, PGlite)' : 'split: `npm run api` + `npm run worker`, PostgreSQL, Temporal dev server'}\n`);
    out.push(`| step \\ kill -9 of | ${victims.map((v) => VICTIM_LABEL[v]).join(' | ')} |`);
    out.push(`|---|${victims.map(() => '---').join('|')}|`);
    for (const step of steps) {
      const row = victims.map((v) => {
        const cell = cells.find((c) => c.step === step && c.victim === v);
        if (!cell) return '—';
        const secs = cell.recoveryMs ? ` (${(cell.recoveryMs / 1000).toFixed(0)} s)` : '';
        return cell.ok ? `ok${secs}` : `**FAIL**: ${cell.failures[0]?.slice(0, 80)}`;
      });
      out.push(`| ${STEP_LABEL[step]} | ${row.join(' | ')} |`);
    }
    out.push('');
    out.push('Where each kill hit:');
    for (const cell of cells)
      out.push(
        `- ${STEP_LABEL[cell.step]} × ${VICTIM_LABEL[cell.victim]}: ${cell.moment}${cell.callbacks.retries ? `; ${cell.callbacks.retries} callback retr${cell.callbacks.retries === 1 ? 'y' : 'ies'} with the same event id` : ''}${cell.unanswered ? `; ${cell.unanswered} customer message(s) never answered 2xx` : ''}`,
      );
    if (results.find((r) => r.topology === topology)?.window) {
      const w = results.find((r) => r.topology === topology)!.window!;
      out.push(`\nDuplicate-window probe (${VICTIM_LABEL[w.victim]} killed while the provider stores the opt-in, before the outbox write): ${w.detail}`);
    }
    if (cells.some((c) => !c.ok)) out.push(`\nData and logs kept in ${dir}`);
  }
  return out.join('\n');
}
