// Contract processes on the local stack (issue 7 §7), beside a bare Temporal baseline measured in the
// same run, on the same dev server:
//
// 1. Processes completed per minute, sequential and at concurrency N: POST /v1/processes (WhatsApp
//    opt-in, one 1-page PDF, SMS code), the customer scripted with no think time, until the process
//    workflow returns. Baseline: bench/bare-contract.ts, a workflow with the same shape — the same 4
//    signal waits and, between them, the same activities and main-flow local activities in the same
//    order, read from real process histories — every body a no-op, started and signalled by the bench.
//    The provider's status webhooks (and the projection writes they alone cause) are ours only: counted
//    and printed, not mirrored in the baseline.
// 2. Reaction: a button tap posted as a signed Cloud API webhook (*Received & reviewed*, *I accept*) →
//    the next outbound message reaching the provider (the sandbox handset's SSE event, as
//    bench/scenarios/reaction.ts measures it), beside the bare equivalent: signal → the activity at the same position in the shape
//    starts running. Each sample starts with the handset and the workflow quiet (every business message
//    read, no task or activity pending), so the first handset event after the POST is that message;
//    these processes stop waiting for their code (sealing and delivery are measured in 1).
//
// The customer: the first tap (*Yes, I agree*) goes through the sandbox handset, as a real customer's
// first reply, because that is what opens the 24-hour window at the emulator (free-form prompts after it
// would otherwise fail with 131047); the later taps and the typed code are signed webhooks POSTed by the
// bench itself, as bench/meta.ts does. Each tap goes out as soon as its prompt shows on the handset
// (status sent or later), woken by the sandbox's SSE stream rather than by polling.
//
// Run alone (own dev server and stack): npm run bench -- --only contracts (bench/scenarios/contracts.ts)
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Stack } from '../app/stack';
import type { HandsetMessage } from '../test/support/customer';
import { inboundMessageSignal, messageStatusSignal } from '../shared/messaging';
import { processWorkflowId } from '../shared/process';
import { bareContractWorkflow, replySignal, type BareContractActivities, type BareContractShape } from './bare-contract';
import { formatBreakdown, reactionBreakdown, summarizeBreakdowns, type ReactionBreakdown } from './breakdown';
import { BenchHttp } from './http';
import { inboundTextWebhook, inboundWebhook, metaSignature, newWamid } from './meta';
import { SandboxEvents } from './sse';
import { sleep, summarize, throughput, type LatencySummary } from './stats';

// ---- parameters (BENCH_CONTRACTS_SCALE=0.5 halves every count, 2 doubles them) ---------------------
const SCALE = Number(process.env.BENCH_CONTRACTS_SCALE ?? 1);
const scaled = (n: number) => Math.max(1, Math.round(n * SCALE));
export const CONTRACT_DEFAULTS = {
  /** processes run first and not measured (their histories give the shape), and bare workflows */
  warmup: 3,
  /** ours and bare alternate in blocks, this many rounds per concurrency level */
  rounds: 2,
  sequentialPerBlock: scaled(2),
  concurrency: 5,
  concurrentPerBlock: scaled(5),
  /** processes (and bare workflows) measured for reaction, sequential, two taps each */
  reactionProcesses: scaled(15),
};

/** the customer's replies whose reaction is measured: 2 = Received & reviewed, 3 = I accept (1 = Yes, 4 = the code) */
const REACTION_REPLIES = [2, 3] as const;
const REACTION_LABELS: Record<(typeof REACTION_REPLIES)[number], string> = {
  2: '*Received & reviewed* → acceptance prompt',
  3: '*I accept* → OTP SMS',
};
const TIMEOUT_MS = 60_000;
/** the activities that send a message to the customer */
const sends = new Set(['sendProcessMessage', 'sendWhatsApp', 'sendProcessDocument', 'sendOtp']);

export interface ContractBenchDeps {
  stack: Stack;
  http: BenchHttp;
  /** the dev server the stack uses: the bare worker and client connect there too */
  temporalAddress: string;
  log: (line: string) => void;
}

interface Level {
  concurrency: number;
  n: number;
  seconds: number;
  perMinute: number;
  duration: LatencySummary;
}

export interface ContractBenchResult {
  shape: {
    /** per segment (before the first reply, after each reply): A = activity, S = activity that sends, L = local activity */
    segments: string[];
    activities: number;
    localActivities: number;
    customerSignals: number;
    statusSignals: number;
    statusLocalActivities: number;
    workflowTasks: number;
  };
  ours: Level[];
  bare: Level[];
  reaction: Record<string, { ours: LatencySummary; bare: LatencySummary }>;
  reactionAll: { ours: LatencySummary; bare: LatencySummary };
  /** the POST of each measured tap answered (200, routed) */
  tapAnswer: LatencySummary;
  /** per tap: where its reaction went, from the process's history */
  tapBreakdown: Record<string, Record<keyof ReactionBreakdown, LatencySummary>>;
  seconds: number;
}

// ---- the customer's side ------------------------------------------------------------------------

let phoneSeq = Math.floor(Math.random() * 9_000_000);
/** Spanish mobiles in the 71x range: apart from the other scenarios' 6xx handsets (test/support/customer.ts) */
const nextPhone = () => `+3471${String(phoneSeq++ % 10_000_000).padStart(7, '0')}`;

/** what a real handset shows (Meta would let the customer tap it): sent, delivered or read */
const visible = (m: HandsetMessage) => m.status === 'sent' || m.status === 'delivered' || m.status === 'read';

/** A tap on a reply button (interactive) or a template quick reply, as Meta posts it. */
function buttonWebhook(phoneNumberId: string, phone: string, message: HandsetMessage, button: { id: string; title: string }): { raw: Buffer; wamid: string } {
  const wamid = newWamid();
  const reply =
    message.type === 'interactive'
      ? { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: button.id, title: button.title } } }
      : { type: 'button', button: { payload: button.id, text: button.title } };
  const raw = Buffer.from(inboundWebhook(phoneNumberId, phone, { id: wamid, context: { from: '15550001111', id: message.id }, ...reply }));
  return { raw, wamid };
}

const textWebhook = (phoneNumberId: string, phone: string, text: string): Buffer => Buffer.from(inboundTextWebhook(phoneNumberId, phone, newWamid(), text));

async function samplePdfBase64(): Promise<string> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  for (let line = 0; line < 40; line++)
    page.drawText(`Cláusula ${line}: el cliente acepta las condiciones del contrato.`, { x: 40, y: 780 - line * 18, size: 10, font });
  return Buffer.from(await doc.save()).toString('base64');
}

class Deferred<T> {
  resolve!: (value: T) => void;
  readonly promise = new Promise<T>((resolve) => (this.resolve = resolve));
}

function within<T>(promise: Promise<T>, what: string, ms = TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what} (${ms} ms)`)), ms))),
  ]);
}

// ---- the benchmark ------------------------------------------------------------------------------

export async function benchContracts(deps: ContractBenchDeps, options: Partial<typeof CONTRACT_DEFAULTS> = {}): Promise<ContractBenchResult> {
  const o = { ...CONTRACT_DEFAULTS, ...options };
  const { stack, http, log } = deps;
  const t0 = performance.now();
  const namespace = stack.config.temporal.namespace;
  const appSecret = stack.config.whatsapp.appSecret ?? '';
  const phoneNumberId = stack.config.whatsapp.phoneNumberId ?? '';
  const pdf = await samplePdfBase64();
  const cleanups: Array<() => Promise<unknown>> = [];

  try {
    // ---- the bare side: its own bundle, worker, task queue and client; activities in this process ----
    log('contracts: bundling and starting the bare contract worker…');
    const bareQueue = `bench-contract-${randomBytes(4).toString('hex')}`;
    const { code } = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./bare-contract.ts', import.meta.url)),
      logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: (m) => log(m), error: (m) => log(m) },
    });
    /** per bare workflow: when the k-th segment's measured activity started, and when its last send ran */
    const bareRuns = new Map<string, { measured: Array<Deferred<number>>; prompted: Array<Deferred<void>> }>();
    const activities: BareContractActivities = {
      async prompt(workflowId, segment, flags) {
        const run = bareRuns.get(workflowId);
        if (flags.measured) run?.measured[segment]?.resolve(performance.now());
        if (flags.prompt) run?.prompted[segment]?.resolve();
      },
      async project() {},
    };
    const native = await NativeConnection.connect({ address: deps.temporalAddress });
    cleanups.push(() => native.close());
    const worker = await Worker.create({ connection: native, namespace, taskQueue: bareQueue, workflowBundle: { code }, activities });
    const running = worker.run();
    cleanups.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
    // the same native connection kind as the stack's client (app/stack.ts)
    const bare = new Client({ connection: native, namespace });

    const events = await SandboxEvents.open(`${stack.url}/sandbox/api/events`);
    cleanups.push(async () => events.close());

    // ---- one customer, scripted ----
    const handsetPath = (phone: string) => `/sandbox/api/phones/${encodeURIComponent(phone)}`;
    const chat = async (phone: string): Promise<HandsetMessage[]> => {
      const res = await http.request('GET', `${handsetPath(phone)}/messages`, undefined, false);
      if (res.status === 404) return [];
      if (res.status !== 200) throw new Error(`handset answered ${res.status}`);
      return res.body;
    };
    const sms = async (phone: string): Promise<Array<{ id: string; body: string; at: string; status: string }>> => {
      const res = await http.request('GET', `${handsetPath(phone)}/sms`, undefined, false);
      return res.status === 200 ? res.body : [];
    };
    /** Probes again on every sandbox event for this handset (and every 250 ms, should one be missed). */
    const until = async <T>(phone: string, probe: () => Promise<T | undefined>, what: string): Promise<T> => {
      const deadline = Date.now() + TIMEOUT_MS;
      for (;;) {
        const next = events.next(phone, TIMEOUT_MS);
        next.catch(() => undefined);
        const value = await probe();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} on ${phone}`);
        await Promise.race([next.catch(() => undefined), sleep(250)]);
      }
    };
    const prompt = (phone: string, title: string, ready: (m: HandsetMessage, all: HandsetMessage[]) => boolean) =>
      until(
        phone,
        async () => {
          const all = await chat(phone);
          const message = all.filter((m) => m.from === 'business' && m.buttons?.some((b) => b.title === title)).at(-1);
          return message && ready(message, all) ? { message, button: message.buttons!.find((b) => b.title === title)!, all } : undefined;
        },
        `the button ${title}`,
      );
    const postWebhook = async (raw: Buffer) => {
      const res = await http.raw('POST', '/webhooks/whatsapp', raw, {
        'content-type': 'application/json',
        'x-hub-signature-256': metaSignature(appSecret, raw),
      });
      if (res.status !== 200 || res.body?.routed !== 1) throw new Error(`a customer webhook answered ${res.status} ${JSON.stringify(res.body)}`);
    };
    /** no workflow task and no activity pending: what came before has settled */
    const idle = (handle: WorkflowHandle) =>
      within(
        (async () => {
          for (;;) {
            const d = await handle.describe();
            if (!d.raw.pendingWorkflowTask && !(d.raw.pendingActivities?.length ?? 0)) return;
            await sleep(5);
          }
        })(),
        `${handle.workflowId} to go idle`,
      );

    type ReactionSamples = Record<number, number[]>;
    const tapAnswers: number[] = [];
    const tapBreakdowns: Record<number, ReactionBreakdown[]> = {};

    /**
     * One contract process, start to finish; resolves with its duration (ms). With `reaction`, each
     * measured tap waits first until the handset and the workflow are quiet (every business message
     * read, nothing pending), so the first handset event after the POST is the next outbound message.
     */
    const runOurs = async (reaction?: ReactionSamples): Promise<{ ms: number; workflowId: string }> => {
      const phone = nextPhone();
      const start = performance.now();
      const created = await http.request('POST', '/v1/processes', {
        reference: `BENCH-${randomBytes(4).toString('hex')}`,
        customer: { phone, name: 'Ana García', locale: 'en', identification: { level: 'identified', reference: 'bench' } },
        optIn: { mode: 'whatsapp' },
        documents: [{ name: 'contract.pdf', contentBase64: pdf }],
        otp: { channel: 'sms' },
      });
      if (created.status !== 201) throw new Error(`POST /v1/processes answered ${created.status}: ${JSON.stringify(created.body)}`);
      const handle = stack.client.workflow.getHandle(processWorkflowId(created.body.id as string));

      // 1. Yes, I agree — through the handset (it opens the window at the emulator)
      const optIn = await prompt(phone, 'Yes, I agree', visible);
      const tapped = await http.request('POST', `${handsetPath(phone)}/messages`, { buttonId: optIn.button.id, contextId: optIn.message.id }, false);
      if (tapped.status !== 202) throw new Error(`the handset could not tap (${tapped.status}): ${JSON.stringify(tapped.body)}`);

      // 2. and 3. — signed webhooks; 2 and 3 are the measured reactions
      const steps = [
        { reply: 2 as const, title: 'Received & reviewed' },
        { reply: 3 as const, title: 'I accept' },
      ];
      for (const { reply, title } of steps) {
        const quiet = (m: HandsetMessage, all: HandsetMessage[]) => all.every((x) => x.from !== 'business' || x.status === 'read') && visible(m);
        const { message, button } = await prompt(phone, title, reaction ? quiet : visible);
        const { raw } = buttonWebhook(phoneNumberId, phone, message, button);
        if (!reaction) {
          await postWebhook(raw);
          continue;
        }
        await idle(handle);
        const before = await chat(phone);
        if (!before.every((x) => x.from !== 'business' || x.status === 'read')) throw new Error('the handset changed while going quiet');
        const arrived = events.next(phone, TIMEOUT_MS);
        arrived.catch(() => undefined);
        const wall = Date.now();
        const sent = performance.now();
        await postWebhook(raw);
        tapAnswers.push(performance.now() - sent);
        const ms = (await arrived) - sent;
        // What arrived is the next outbound message, stored after the POST — nothing else.
        if (reply === 2) {
          const after = (await chat(phone)).filter((m) => m.from === 'business').slice(before.filter((m) => m.from === 'business').length);
          if (!after[0]?.buttons?.some((b) => b.title === 'I accept') || Date.parse(after[0].at) < wall - 1)
            throw new Error(`expected the acceptance prompt after the tap, found ${JSON.stringify(after)}`);
        } else {
          const codes = await sms(phone);
          if (codes.length !== 1 || Date.parse(codes[0].at) < wall - 1) throw new Error(`expected one SMS after the tap, found ${JSON.stringify(codes)}`);
        }
        (reaction[reply] ??= []).push(ms);
        // where it went: the tap's signal is the newest customer message in the history (the next tap comes later)
        const history = (await handle.fetchHistory()).events ?? [];
        const signalAt = history.findLastIndex((e) => e.workflowExecutionSignaledEventAttributes?.signalName === inboundMessageSignal.name);
        const postWall = performance.timeOrigin + sent;
        (tapBreakdowns[reply] ??= []).push(reactionBreakdown(history, signalAt, { postWall, arrivedWall: postWall + ms, isSend: (type) => sends.has(type) }));
      }
      if (reaction) {
        // Enough for the reaction: the process is left waiting for its code (sealing and delivery are
        // measured above), once its last messages and their statuses have settled, so its tail does not
        // load the next sample.
        await until(
          phone,
          async () => {
            const [all, codes] = await Promise.all([chat(phone), sms(phone)]);
            const settled = all.filter((m) => m.from === 'business').length >= 5 && all.every((m) => m.from !== 'business' || m.status === 'read');
            return settled && codes[0]?.status === 'delivered' ? true : undefined;
          },
          'the OTP prompt read and the SMS delivered',
        );
        await idle(handle);
        return { ms: NaN, workflowId: handle.workflowId };
      }

      // 4. the code, typed in the chat
      const code = await until(
        phone,
        async () => {
          const [first] = await sms(phone);
          return first ? /\b(\d{4,10})\b/.exec(first.body)?.[1] : undefined;
        },
        'the SMS code',
      );
      await postWebhook(textWebhook(phoneNumberId, phone, code));
      const state = (await within(handle.result(), `${handle.workflowId} to complete`)) as { status: string; reason: string | null };
      if (state.status !== 'completed') throw new Error(`${handle.workflowId} ended ${state.status} (${state.reason})`);
      return { ms: performance.now() - start, workflowId: handle.workflowId };
    };

    // ---- the shape of a real process, from its history ----
    /**
     * The Temporal work of one process from its history. A projection write counts as the provider's
     * when only status signals woke its workflow task; how they batch with the rest varies from run to
     * run, so the shape is read from every warm-up process and the one with the fewest main-flow local
     * activities is kept (the closest to the main flow alone).
     */
    const readShape = async (workflowId: string) => {
      const history = (await stack.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
      const segments: string[] = [''];
      /** per segment: the activity types of its remote activities, in order */
      const types: string[][] = [[]];
      let statusSignals = 0;
      let workflowTasks = 0;
      /** projection writes the provider's status webhooks caused (a workflow task they alone woke): not in the bare shape */
      let statusLocalActivities = 0;
      /** what woke the next workflow task: 'status' for a status signal, 'other' for anything else */
      let woke: string[] = [];
      let statusOnlyTask = false;
      for (const e of history) {
        const signal = e.workflowExecutionSignaledEventAttributes?.signalName;
        if (signal === inboundMessageSignal.name) {
          segments.push('');
          types.push([]);
          woke.push('other');
        } else if (signal === messageStatusSignal.name) {
          statusSignals++;
          woke.push('status');
        } else if (e.workflowTaskCompletedEventAttributes) {
          workflowTasks++;
          statusOnlyTask = woke.length > 0 && woke.every((w) => w === 'status');
          woke = [];
        } else if (e.activityTaskScheduledEventAttributes) {
          const type = e.activityTaskScheduledEventAttributes.activityType?.name ?? '';
          segments[segments.length - 1] += sends.has(type) ? 'S' : 'A';
          types[types.length - 1].push(type);
        } else if (e.markerRecordedEventAttributes) {
          if (statusOnlyTask) statusLocalActivities++;
          else segments[segments.length - 1] += 'L';
        } else if (
          e.workflowExecutionStartedEventAttributes ||
          e.activityTaskCompletedEventAttributes ||
          e.activityTaskFailedEventAttributes ||
          e.activityTaskTimedOutEventAttributes ||
          e.timerFiredEventAttributes ||
          e.workflowExecutionSignaledEventAttributes ||
          e.workflowExecutionUpdateAcceptedEventAttributes
        )
          woke.push('other');
      }
      const count = (c: string) => segments.join('').split(c).length - 1;
      return {
        types,
        shape: {
          segments,
          activities: count('A') + count('S'),
          localActivities: count('L'),
          customerSignals: segments.length - 1,
          statusSignals,
          statusLocalActivities,
          workflowTasks,
        },
      };
    };
    log(`contracts: ${o.warmup} warm-up processes; the shape from their histories…`);
    const shapes = [];
    for (let i = 0; i < Math.max(1, o.warmup); i++) shapes.push(await readShape((await runOurs()).workflowId));
    const { shape, types } = shapes.reduce((a, b) => (b.shape.localActivities < a.shape.localActivities ? b : a));
    const { segments, statusSignals, statusLocalActivities } = shape;
    // The customer answers the OTP SMS (sendOtp), else the segment's last send; a reaction ends at its first send.
    const bareShape: BareContractShape = {
      segments,
      prompt: types.map((t) => (t.includes('sendOtp') ? t.indexOf('sendOtp') : t.findLastIndex((type) => sends.has(type)))),
      measured: types.map((t) => t.findIndex((type) => sends.has(type))),
    };
    log(
      `contracts: shape ${segments.join(' | ')} (A activity, S send, L local activity); ${statusSignals} status signals, ${statusLocalActivities} projection writes caused by them alone`,
    );

    // ---- the bare side, driven the same way ----
    const runBare = async (reaction?: ReactionSamples): Promise<number> => {
      const workflowId = `bench-contract-${randomBytes(6).toString('hex')}`;
      const run = { measured: segments.map(() => new Deferred<number>()), prompted: segments.map(() => new Deferred<void>()) };
      bareRuns.set(workflowId, run);
      try {
        const start = performance.now();
        const handle = await bare.workflow.start(bareContractWorkflow, {
          taskQueue: bareQueue,
          workflowId,
          args: [bareShape],
        });
        for (let k = 1; k < segments.length; k++) {
          if (bareShape.prompt[k - 1] >= 0) await within(run.prompted[k - 1].promise, `bare prompt ${k - 1}`);
          const measure = reaction && (REACTION_REPLIES as readonly number[]).includes(k) && bareShape.measured[k] >= 0;
          if (measure) await idle(handle);
          const sent = performance.now();
          await handle.signal(replySignal, k);
          if (measure) (reaction[k] ??= []).push((await within(run.measured[k].promise, `bare activity ${k}`)) - sent);
        }
        await within(handle.result(), `${workflowId} to complete`);
        return performance.now() - start;
      } finally {
        bareRuns.delete(workflowId);
      }
    };
    for (let i = 0; i < o.warmup; i++) await runBare();

    // ---- 1. per minute: ours and bare alternate in blocks (bare first in even rounds) ----
    const levels = { ours: [] as Level[], bare: [] as Level[] };
    for (const [concurrency, perBlock] of [
      [1, o.sequentialPerBlock],
      [o.concurrency, o.concurrentPerBlock],
    ] as const) {
      log(`contracts: per minute at concurrency ${concurrency}, ${o.rounds} alternating rounds of ${perBlock} processes and ${perBlock} bare workflows…`);
      const totals = { ours: { seconds: 0, durations: [] as number[] }, bare: { seconds: 0, durations: [] as number[] } };
      const block = async (side: 'ours' | 'bare') => {
        const run = side === 'ours' ? async () => (await runOurs()).ms : () => runBare();
        const t = await throughput(perBlock, concurrency, async () => totals[side].durations.push(await run()));
        totals[side].seconds += t.seconds;
      };
      for (let r = 0; r < o.rounds; r++) {
        for (const side of r % 2 === 0 ? (['bare', 'ours'] as const) : (['ours', 'bare'] as const)) await block(side);
      }
      for (const side of ['ours', 'bare'] as const) {
        const n = perBlock * o.rounds;
        levels[side].push({
          concurrency,
          n,
          seconds: totals[side].seconds,
          perMinute: (n / totals[side].seconds) * 60,
          duration: summarize(totals[side].durations),
        });
      }
    }

    // ---- 2. reaction: sequential processes, ours and bare alternating one by one ----
    log(`contracts: reaction, ${o.reactionProcesses} processes and ${o.reactionProcesses} bare workflows alternating, ${REACTION_REPLIES.length} taps each…`);
    const oursSamples: ReactionSamples = {};
    const bareSamples: ReactionSamples = {};
    for (let i = 0; i < o.reactionProcesses; i++) {
      await runOurs(oursSamples);
      await runBare(bareSamples);
    }
    const reaction: ContractBenchResult['reaction'] = {};
    for (const reply of REACTION_REPLIES)
      reaction[REACTION_LABELS[reply]] = { ours: summarize(oursSamples[reply] ?? []), bare: summarize(bareSamples[reply] ?? []) };
    const all = (s: ReactionSamples) => REACTION_REPLIES.flatMap((r) => s[r] ?? []);

    return {
      shape,
      ours: levels.ours,
      bare: levels.bare,
      reaction,
      reactionAll: { ours: summarize(all(oursSamples)), bare: summarize(all(bareSamples)) },
      tapAnswer: summarize(tapAnswers),
      tapBreakdown: Object.fromEntries(REACTION_REPLIES.map((reply) => [REACTION_LABELS[reply], summarizeBreakdowns(tapBreakdowns[reply] ?? [])])),
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

/** PRODUCT.md §6: inbound webhook → next outbound message at the provider */
const BUDGET_REACTION_P50_MS = 50;
const BUDGET_REACTION_P99_MS = 250;

/** The table for the report; an Error (the phase failed) is reported as such. */
export function formatContracts(r: ContractBenchResult | Error): string {
  if (r instanceof Error) return `contract processes: UNAVAILABLE — the phase failed: ${r.message}`;
  const f = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
  const rows: Array<[string, string, string, string]> = [];
  for (let i = 0; i < r.ours.length; i++) {
    const a = r.ours[i];
    const b = r.bare[i];
    const label = a.concurrency === 1 ? 'sequential' : `concurrency ${a.concurrency}`;
    rows.push([`contract processes completed per minute, ${label} (n=${a.n})`, f(a.perMinute), f(b.perMinute), `${f(a.perMinute / b.perMinute, 2)}×`]);
    rows.push([`  one process, create → completed, ${label} p50 (ms)`, f(a.duration.p50), f(b.duration.p50), `${f(a.duration.p50 / b.duration.p50, 2)}×`]);
    rows.push([`  one process, create → completed, ${label} p99 (ms)`, f(a.duration.p99), f(b.duration.p99), `${f(a.duration.p99 / b.duration.p99, 2)}×`]);
  }
  const reactionRows = (label: string, s: { ours: LatencySummary; bare: LatencySummary }) => {
    for (const key of ['p50', 'p99'] as const)
      rows.push([
        `reaction: ${label} ${key} (ms${key === 'p50' ? `, n=${s.ours.n}` : ''})`,
        f(s.ours[key]),
        f(s.bare[key]),
        `${f(s.ours[key] / s.bare[key], 2)}×`,
      ]);
  };
  for (const [label, s] of Object.entries(r.reaction)) reactionRows(label, s);
  reactionRows('both taps', r.reactionAll);
  rows.push([`reaction: the tap's webhook POST answered p50 (ms)`, f(r.tapAnswer.p50), '–', '–']);
  rows.push([`reaction: the tap's webhook POST answered p99 (ms)`, f(r.tapAnswer.p99), '–', '–']);

  const head = ['contract processes', 'ours', 'bare Temporal', 'ratio'];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i].length), head[i].length));
  const line = (row: string[]) =>
    `| ${row[0].padEnd(widths[0])} | ${row
      .slice(1)
      .map((c, i) => c.padStart(widths[i + 1]))
      .join(' | ')} |`;
  const s = r.shape;
  return [
    `contract processes: POST /v1/processes (WhatsApp opt-in, one 1-page PDF, SMS code), the customer with no think time (first tap through the sandbox handset, ` +
      `then signed webhooks), until the workflow returns; ours and bare alternate in blocks`,
    `bare baseline: a workflow of the same shape from a real history — ${s.customerSignals} signal waits, ${s.activities} no-op activities, ${s.localActivities} no-op local activities, ` +
      `in order: ${s.segments.join(' | ')} (S send, A other activity, L local activity); ours also took ${s.statusSignals} provider status signals (and the ${s.statusLocalActivities} projection writes they alone caused), ${s.workflowTasks} workflow tasks in all`,
    `reaction: signed tap POSTed with the handset and the workflow quiet → the next outbound message's sandbox SSE event; bare: signal → the activity at the same position starts`,
    '',
    line(head),
    `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...rows.map(line),
    '',
    `budget (PRODUCT.md §6): reaction to a tap → next outbound message p50 ≤ ${BUDGET_REACTION_P50_MS} ms — ` +
      `${r.reactionAll.ours.p50 <= BUDGET_REACTION_P50_MS ? 'MET' : 'NOT MET'} (p50 ${f(r.reactionAll.ours.p50)} ms); ` +
      `p99 ≤ ${BUDGET_REACTION_P99_MS} ms — ${r.reactionAll.ours.p99 <= BUDGET_REACTION_P99_MS ? 'MET' : 'NOT MET'} (p99 ${f(r.reactionAll.ours.p99)} ms)`,
    ...Object.entries(r.tapBreakdown).map(([label, b]) => formatBreakdown(`reaction breakdown, ${label}`, b, 'send')),
    `(contract phase: ${f(r.seconds)} s)`,
  ].join('\n');
}
