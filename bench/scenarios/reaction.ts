// Reaction: inbound webhook → next outbound message at the provider. A WhatsApp verification whose send gets a
// signed `failed` (131026) status webhook falls back to SMS; from just before that POST until the SMS reaches the
// sandbox handset (its SSE event for that phone), with a breakdown read from the workflow history. Run last among
// the stack's timed scenarios, so the emulator's held-back status webhooks never fire during another one.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { messageStatusSignal } from '../../shared/messaging';
import { newPhone } from '../../test/support/customer';
import { f, log, waitFor, type Harness, type Row, type Scenario } from '../harness';
import { failedStatusWebhook, metaSignature } from '../meta';
import { SandboxEvents } from '../sse';
import { formatBreakdown, reactionBreakdown, summarizeBreakdowns, type ReactionBreakdown } from '../breakdown';
import { summarize } from '../stats';

const BUDGET_REACTION_P50_MS = 50; // PRODUCT.md §6: inbound webhook → next outbound message at the provider
const BUDGET_REACTION_P99_MS = 250;
/** holds the WhatsApp emulator's own status webhooks back while a reaction sample runs (its maximum) */
const HOLD_STATUSES_MS = 60_000;

export const reactionParameters = (quick: boolean) => ({ warmup: quick ? 1 : 10, samples: quick ? 5 : 100 });

type ReactionSample = { ms: number; answerMs: number; breakdown: ReactionBreakdown; fallbackStatus: string };

export const reaction: Scenario = {
  name: 'reaction',
  summary: 'signed WhatsApp failed-status webhook → fallback SMS at the provider, with a breakdown from the workflow history',
  async run(h: Harness) {
    const p = reactionParameters(h.quick);
    const { stack, http, api, t } = await h.stack();
    const prisma = stack.db.prisma;
    const appSecret = stack.config.whatsapp.appSecret ?? '';
    const phoneNumberId = stack.config.whatsapp.phoneNumberId ?? '';

    log(`reaction: WhatsApp failed (131026) webhook → SMS on the handset, ${p.warmup} warm-up + ${p.samples} measured…`);
    const reactionSample = async (events: SandboxEvents): Promise<ReactionSample | { unavailable: string }> => {
      const phone = newPhone();
      const created = await http.request('POST', '/v1/verifications', { to: phone, channel: 'whatsapp', fallbackAfterSeconds: 600 });
      if (created.status !== 201) throw new Error(`create (whatsapp) answered ${created.status}: ${JSON.stringify(created.body)}`);
      const id = created.body.id as string;
      // A status only counts once the workflow has recorded the send it is about (then it is projected).
      const first = await waitFor(async () => (await api.get(id)).sends?.[0], `the first send of ${id}`);
      const row = await prisma.outboundMessage.findFirst({ where: { workflowId: `verification-${id}`, channel: 'whatsapp' } });
      if (!row?.providerMessageId) {
        const detail = row ? `outbound row status ${row.status}${row.error ? ` (${JSON.stringify(row.error)})` : ''}` : 'no outbound row';
        return {
          unavailable: `the WhatsApp send got no provider message id (sends[0] ${first.channel}/${first.status}, ${detail}): no wamid to report a failure for`,
        };
      }
      if (first.channel !== 'whatsapp' || first.status !== 'accepted' || row.status !== 'accepted') {
        return {
          unavailable: `the WhatsApp send was already ${row.status} (sends[0] ${first.channel}/${first.status}) before the failed webhook: the emulator's status webhooks were not held back`,
        };
      }
      const raw = Buffer.from(failedStatusWebhook(phoneNumberId, row.providerMessageId, phone, id));
      const signature = metaSignature(appSecret, raw);
      const arrived = events.next(phone);
      arrived.catch(() => undefined); // awaited below; a failed POST must not leave it unhandled
      const wallClock = Date.now();
      const start = performance.now();
      const answer = await http.raw('POST', '/webhooks/whatsapp', raw, { 'content-type': 'application/json', 'x-hub-signature-256': signature });
      const answerMs = performance.now() - start;
      if (answer.status !== 200 || answer.body?.routed !== 1)
        throw new Error(`the failed-status webhook answered ${answer.status} ${JSON.stringify(answer.body)}`);
      const ms = (await arrived) - start;
      // What arrived is the fallback SMS, sent after the POST — not some other change on that handset.
      const sms = await api.sms(phone);
      if (sms.length !== 1 || Date.parse(sms[0].at) < wallClock - 1)
        throw new Error(`expected one SMS on ${phone} after the webhook, found ${JSON.stringify(sms)}`);
      // Let the SMS's own status callbacks (sent, delivered) land and the workflow go idle before the
      // next sample, so one sample's tail does not load the next.
      await waitFor(async () => {
        const rows = await prisma.inboxEvent.findMany({ where: { messageId: sms[0].id }, select: { processedAt: true } });
        return rows.length >= 2 && rows.every((r) => r.processedAt) ? true : undefined;
      }, `the status callbacks of ${id}'s fallback SMS`);
      const handle = stack.client.workflow.getHandle(`verification-${id}`);
      await waitFor(async () => ((await handle.describe()).raw.pendingWorkflowTask ? undefined : true), `verification-${id} to go idle`);
      // Observation only: does the projection show the fallback SMS delivered once all that landed?
      const fallbackSend = (await api.get(id)).sends?.[1];
      // Where the time went, from the workflow's history: the first messageStatus signal is this webhook's (the
      // emulator's own statuses are held back).
      const history = (await handle.fetchHistory()).events ?? [];
      const signalAt = history.findIndex((e) => e.workflowExecutionSignaledEventAttributes?.signalName === messageStatusSignal.name);
      const postWall = performance.timeOrigin + start;
      const breakdown = reactionBreakdown(history, signalAt, { postWall, arrivedWall: postWall + ms });
      return { ms, answerMs, breakdown, fallbackStatus: fallbackSend ? `${fallbackSend.channel}/${fallbackSend.status}` : 'absent' };
    };
    const measureReaction = async (): Promise<{ samples: ReactionSample[] } | { unavailable: string }> => {
      // The emulator reports sent → delivered a few ms after accepting a send, and a delivered message
      // does not fall back: its fault switch holds its status webhooks back while the phase runs.
      const hold = await http.request('POST', '/sandbox/api/faults', { statusDelayMs: HOLD_STATUSES_MS }, false);
      if (hold.status !== 200) return { unavailable: `the sandbox's WhatsApp fault switches are not there (POST /sandbox/api/faults answered ${hold.status})` };
      const events = await SandboxEvents.open(`${t.url}/sandbox/api/events`);
      try {
        const samples: ReactionSample[] = [];
        for (let i = 0; i < p.warmup + p.samples; i++) {
          const sample = await reactionSample(events);
          if ('unavailable' in sample) return sample;
          if (i >= p.warmup) samples.push(sample);
        }
        return { samples };
      } finally {
        events.close();
        await http.request('DELETE', '/sandbox/api/faults', undefined, false).catch(() => undefined);
      }
    };
    // The stack shares this process's event loop (API, worker, PGlite): how long a ready callback waited for it.
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    loopDelay.enable();
    const outcome = await measureReaction().catch((error: Error) => ({ unavailable: `the phase failed: ${error.message}` }));
    loopDelay.disable();
    const loopDelayMs = { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
    const reaction = 'samples' in outcome ? summarize(outcome.samples.map((s) => s.ms)) : undefined;
    const reactionAnswer = 'samples' in outcome ? summarize(outcome.samples.map((s) => s.answerMs)) : undefined;
    const unavailable = 'unavailable' in outcome ? outcome.unavailable : undefined;
    if (unavailable) log(`reaction latency unavailable: ${unavailable}`);
    const breakdown = 'samples' in outcome ? summarizeBreakdowns(outcome.samples.map((sample) => sample.breakdown)) : undefined;
    /** what the projection says of each measured sample's fallback SMS once its status callbacks were processed */
    const fallbackStatuses: Record<string, number> = {};
    if ('samples' in outcome)
      for (const sample of outcome.samples) fallbackStatuses[sample.fallbackStatus] = (fallbackStatuses[sample.fallbackStatus] ?? 0) + 1;
    const met = reaction && { p50: reaction.p50 <= BUDGET_REACTION_P50_MS, p99: reaction.p99 <= BUDGET_REACTION_P99_MS };

    // ---- report ----
    const rows: Row[] = [];
    if (reaction && reactionAnswer) {
      for (const key of ['p50', 'p90', 'p99', 'max'] as const)
        rows.push([`reaction: failed webhook → SMS at provider ${key} (ms${key === 'p50' ? `, n=${reaction.n}` : ''})`, f(reaction[key]), '–', '–']);
      rows.push([`reaction: the failed webhook's POST answered p50 (ms)`, f(reactionAnswer.p50), '–', '–']);
      rows.push([`reaction: the failed webhook's POST answered p99 (ms)`, f(reactionAnswer.p99), '–', '–']);
    } else {
      rows.push([`reaction: failed webhook → SMS at provider`, 'unavailable', '–', '–']);
    }
    const checks: string[] = [];
    if (unavailable) checks.push(`reaction latency: UNAVAILABLE — ${unavailable}`);
    else {
      if (breakdown) checks.push(formatBreakdown('reaction breakdown', breakdown, 'SMS'));
      checks.push(
        `event-loop delay of the stack's process during the phase: p50 ${f(loopDelayMs.p50)} ms, p99 ${f(loopDelayMs.p99)} ms, max ${f(loopDelayMs.max)} ms`,
      );
      checks.push(
        `reaction check: every sample's webhook answered 200 with routed: 1 and its handset got exactly one SMS, after the POST; ` +
          `fallback send in GET /v1/verifications once its callbacks were processed: ${Object.entries(fallbackStatuses)
            .map(([k, v]) => `${k} ×${v}`)
            .join(', ')}`,
      );
    }
    return {
      setup: [
        `reaction: signed WhatsApp status failed (131026) POSTed → fallback SMS reaches the sandbox handset (its SSE event); emulator status webhooks held back during the phase`,
      ],
      rows,
      checks,
      budgets: [
        reaction && met
          ? `budget (PRODUCT.md §6): reaction webhook → next outbound message p50 ≤ ${BUDGET_REACTION_P50_MS} ms — ${met.p50 ? 'MET' : 'NOT MET'} (p50 ${f(reaction.p50)} ms); ` +
            `p99 ≤ ${BUDGET_REACTION_P99_MS} ms — ${met.p99 ? 'MET' : 'NOT MET'} (p99 ${f(reaction.p99)} ms)`
          : `budget (PRODUCT.md §6): reaction webhook → next outbound message — NOT MEASURED (${unavailable})`,
      ],
      json: {
        setup: {
          reactionWarmup: p.warmup,
          reactionSamples: p.samples,
          reactionSetup: `WhatsApp verification (fallbackAfterSeconds 600), emulator status webhooks held back ${HOLD_STATUSES_MS} ms; signed status failed 131026 POSTed; end = sandbox SSE event for the handset (the SMS)`,
        },
        latencyMs: { reactionWebhookToSms: reaction ?? null, reactionWebhookAnswer: reactionAnswer ?? null },
        reactionUnavailable: unavailable ?? null,
        reactionFallbackSendStatuses: fallbackStatuses,
        reactionBreakdownMs: breakdown ?? null,
        reactionEventLoopDelayMs: loopDelayMs,
        budgets: [
          { name: 'reaction webhook → next outbound message p50', limitMs: BUDGET_REACTION_P50_MS, valueMs: reaction?.p50 ?? null, met: met ? met.p50 : null },
          { name: 'reaction webhook → next outbound message p99', limitMs: BUDGET_REACTION_P99_MS, valueMs: reaction?.p99 ?? null, met: met ? met.p99 : null },
        ],
      },
    };
  },
};
