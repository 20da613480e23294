// Certificate time (issue 8 §5, PRODUCT.md §6: "certificate … for a 100-event process ≤ 300 ms"): the issue path of
// activities/evidence.ts without Temporal and the database — buildEvidence, canonicalBytes, signEvidence (node-jose
// ES256), certificateViewOf, the render (pdfmake, evidence attached; on the render thread as issueEvidence does it,
// and in process for the step breakdown) and sealPdf (PAdES B-B) — over a synthetic completed process of exactly 100
// evidence events, beside baselines measured in the same run: pdfmake alone rendering the same layout (stock pdfmake
// set-up: fonts as file paths, no attachments, no seal), one ES256 signature of the canonical bytes with node:crypto
// and one with node-jose (signEvidence), and verifyEvidence of the evidence and its JWS. Also: the longest stretch
// the issue keeps the calling thread's event loop blocked (what a Temporal worker running it suffers), with the
// render on its thread and in process. Reports, never asserts.
//
// Run alone: npm run bench:certificate   (BENCH_CERT_RUNS=n for the sample count, default 30)
import { createHash, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import pdfmake from 'pdfmake';
import QRCode from 'qrcode';
import {
  buildEvidence,
  canonicalBytes,
  historyFingerprint,
  issuerOf,
  jwks,
  signEvidence,
  verifyEvidence,
  type Evidence,
  type EvidenceSource,
} from '../evidence';
import { certificateViewOf } from '../evidence/certificate/gather';
import { verifyPdf } from '../evidence/verify-pdf';
import { certificateLayout, MONO } from '../evidence/certificate/layout';
import { renderCertificate, type CertificateAttachment } from '../evidence/certificate/render';
import { closeRenderThread, renderCertificateInThread } from '../evidence/certificate/render-in-thread';
import type { CertificateView } from '../evidence/certificate/view';
import { loadSealIdentity, sealPdf, type SealIdentity } from '../sealing';
import type { ProcessDocumentRef, ProcessEvent, ProcessMessage } from '../shared/process';
import { percentile } from './stats';

export const BUDGET_CERTIFICATE_MS = 300; // PRODUCT.md §6
const EVENTS = 100;

/** milliseconds over the samples, nearest-rank percentiles */
export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
}

function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}

type Step = 'build' | 'canonical' | 'sign' | 'gather' | 'render' | 'seal';
type Renderer = (view: CertificateView, attachments: CertificateAttachment[]) => Promise<Uint8Array>;

export interface CertificateBenchResult {
  runs: number;
  warmup: number;
  evidenceEvents: number;
  timelineRows: number;
  pages: number;
  evidenceBytes: number;
  certificateBytes: number;
  /** (a) the whole issue path, evidence → sealed certificate, as issueEvidence runs it (render on the render thread) */
  fullMs: Percentiles;
  /** the same path with the render on the calling thread (renderCertificate), and its steps timed inside those runs */
  fullInProcessMs: Percentiles;
  stepsMs: Record<Step, Percentiles>;
  /** the render step of the thread runs: renderCertificateInThread, copying to and from the thread included */
  renderInThreadMs: Percentiles;
  /** (b) pdfmake alone: the same layout, stock font set-up, no attachments, no seal */
  pdfmakeMs: Percentiles;
  /** (c) one ES256 signature of the canonical bytes: node:crypto, and node-jose through signEvidence */
  es256NodeMs: Percentiles;
  signEvidenceMs: Percentiles;
  /** (d) verifyEvidence of the evidence and its JWS (JWKS and CA given) */
  verifyMs: Percentiles;
  verifyValid: boolean;
  /** (e) verifyPdf of the sealed certificate: the seal, the attachments, then every evidence check (what the page and `testigo verify` run) */
  verifyPdfMs: Percentiles;
  verifyPdfValid: boolean;
  /** the checks that failed, with their detail (none expected) */
  verifyFailures: string[];
  /** the longest the calling thread's event loop went without a turn during one full issue (p50 / max over runs) */
  eventLoopBlockMs: { renderInThread: { p50: number; max: number }; renderInProcess: { p50: number; max: number } };
  ratios: { fullOverPdfmake: number; fullOverEs256: number; fullOverSignEvidence: number };
  budget: { name: string; limitMs: number; p50Ms: number; p95Ms: number; met: boolean };
}

// ---- a synthetic completed process of exactly 100 evidence events --------------------------------------------
// Shaped as processWorkflow records it (workflows/steps/*): opt-in by WhatsApp template, two documents, a resend
// after "not received", review, acceptance, an OTP by SMS whose first code expired and whose second was typed
// wrong once, then right; both documents sealed and delivered. Every outbound message has its furthest receipt
// (delivered, read, one failed). Padded to 100 events with the customer typing questions the step answers by
// asking again (received + sent + read: three events each).

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

const DOCUMENTS: ProcessDocumentRef[] = [
  { id: 'doc_01JQ7Z6S8W4Q2M3N5P7R9T1V4A', name: 'Contrato de préstamo personal nº 2026-0042.pdf', sha256: sha('contract'), size: 186_780, pages: 14 },
  { id: 'doc_01JQ7Z6S8W4Q2M3N5P7R9T1V4B', name: 'Condiciones generales y protección de datos.pdf', sha256: sha('conditions'), size: 96_311, pages: 9 },
];
const SIGNED = [sha('sealed contract'), sha('sealed conditions')];
const PROCESS_ID = 'prc_01JQ7Z6S8W4Q2M3N5P7R9T1V3X';

/** The process as recorded at completion, padded to exactly 100 evidence events (messages and receipts included). */
export function syntheticProcessState(start = Date.now() - 3 * 86_400_000): EvidenceSource['state'] {
  const bare = recordedProcess(start, 0, 0);
  const room = EVENTS - evidenceEventCount(bare);
  const state = recordedProcess(start, Math.floor(room / 3), room % 3);
  if (evidenceEventCount(state) !== EVENTS) throw new Error(`the fixture makes ${evidenceEventCount(state)} events, not ${EVENTS}`);
  return state;
}

/** one evidence event per process event and per message, one more per outbound message's receipt */
const evidenceEventCount = (s: EvidenceSource['state']) => s.events.length + s.messages.length + s.messages.filter((m) => m.direction === 'outbound').length;

/** The process over about two days from `start`; `questions` and `loneTexts` pad the review step. */
function recordedProcess(start: number, questions: number, loneTexts: number): EvidenceSource['state'] {
  let clock = start;
  const at = (advanceMs: number) => new Date((clock += advanceMs)).toISOString();
  const events: ProcessEvent[] = [];
  const messages: ProcessMessage[] = [];
  let seq = 0;
  const wamid = () => `wamid.HBgLMzQ2MDAxMTEyMjIVAgARGBI${(0x5a1c0 + ++seq).toString(16).toUpperCase()}QTRGRkY5QzQ3RjE2NjQA`;
  /** an outbound message with its furthest receipt */
  const send = (purpose: string, status: 'delivered' | 'read' | 'failed' = 'read', channel: 'whatsapp' | 'sms' = 'whatsapp'): string => {
    const id = channel === 'sms' ? `SM${sha(`sms ${++seq}`).slice(0, 32)}` : wamid();
    const sentAt = at(350);
    const statusAt = new Date(Date.parse(sentAt) + (status === 'read' ? 41_000 : 2_000)).toISOString();
    messages.push({ messageId: id, direction: 'outbound', channel, purpose, at: sentAt, status, statusAt, ...(status === 'failed' ? { error: 131049 } : {}) });
    return id;
  };
  const receive = (purpose: 'reply' | 'text', afterMs = 25_000): string => {
    const id = wamid();
    messages.push({ messageId: id, direction: 'inbound', channel: 'whatsapp', purpose, at: at(afterMs), status: 'received' });
    return id;
  };
  const record = (type: ProcessEvent['type'], extra: Omit<ProcessEvent, 'type' | 'at'> = {}, advanceMs = 120) =>
    events.push({ at: at(advanceMs), type, ...extra });
  const documents = DOCUMENTS.map((d) => `${d.id}:${d.sha256}`).join(',');

  record('process.created', { channel: 'api', detail: { reference: 'C-2026-0042', optIn: 'whatsapp', documents: 2 } }, 0);
  record('opt_in.requested', { channel: 'whatsapp', messageIds: [send('opt_in')], detail: { mode: 'whatsapp', template: 'testigo_opt_in' } });
  record('reminder.sent', { channel: 'whatsapp', messageIds: [send('reminder')], detail: { step: 'opt_in', template: true } });
  record('opt_in.accepted', { channel: 'whatsapp', messageIds: [receive('reply', 3_600_000)] });
  const sent = [send('document', 'delivered'), send('document', 'delivered')];
  send('review_prompt');
  record('documents.sent', { channel: 'whatsapp', messageIds: sent, detail: { round: 0, documents } });
  record('documents.not_received', { channel: 'whatsapp', messageIds: [receive('reply', 60_000)], detail: { resends: 1 } });
  send('documents_resent');
  const resent = [send('document', 'delivered'), send('document', 'delivered')];
  send('review_prompt');
  record('documents.sent', { channel: 'whatsapp', messageIds: resent, detail: { round: 1, documents } });
  // the padding: the customer types questions, the review step answers by asking again
  for (let i = 0; i < questions; i++) {
    receive('text', 90_000);
    send('review_prompt');
  }
  for (let i = 0; i < loneTexts; i++) receive('text', 30_000);
  record('documents.reviewed', { channel: 'whatsapp', messageIds: [receive('reply', 2 * 86_400_000)], detail: { documents: 2 } }); // two days later
  record('conditions.presented', { channel: 'whatsapp', messageIds: [send('acceptance_prompt')] });
  record('reminder.sent', { channel: 'whatsapp', messageIds: [send('reminder')], detail: { step: 'acceptance', template: false } });
  record('conditions.accepted', { channel: 'whatsapp', messageIds: [receive('reply')] });
  const first = send('otp', 'delivered', 'sms');
  send('otp_prompt');
  record('otp.sent', { channel: 'sms', messageIds: [first], detail: { code: 1, channels: 'sms' } });
  record('otp.expired', { detail: { code: 1 } }, 600_000);
  send('otp_expired');
  record('otp.sent', { channel: 'sms', messageIds: [send('otp', 'delivered', 'sms')], detail: { code: 2, channels: 'sms' } });
  record('otp.attempt_failed', { messageIds: [receive('text')], detail: { attempt: 1, of: 5, code: 2 } });
  send('otp_wrong', 'failed');
  record('otp.verified', { channel: 'sms', messageIds: [receive('text')], detail: { attempt: 2, of: 5, code: 2 } });
  for (const [i, d] of DOCUMENTS.entries())
    record('document.sealed', { detail: { documentId: d.id, sha256: d.sha256, signedSha256: SIGNED[i], level: 'B-B' } }, 900);
  send('signed_intro');
  const delivered = [send('signed_document', 'delivered'), send('signed_document', 'read')];
  record('signed_documents.delivered', { channel: 'whatsapp', messageIds: delivered, detail: { documents: 2 } });
  send('completed', 'delivered');
  record('process.completed', { detail: { documents: 2 } }, 100);
  return { status: 'completed', reason: null, events, messages, documents: DOCUMENTS.map((d, i) => ({ id: d.id, signedSha256: SIGNED[i] })) };
}

/** The exported Temporal history stand-in: its fingerprint is all the evidence keeps of it. */
function syntheticHistory(): Uint8Array {
  const events = Array.from({ length: 1342 }, (_, i) => ({ eventId: String(i + 1), eventType: 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED' }));
  return new TextEncoder().encode(JSON.stringify({ events }));
}

/** The synthetic process as issueEvidence would build its evidence: 100 events, two documents, the issuer given. */
export function syntheticEvidenceSource(issuer: Evidence['issuer'], state = syntheticProcessState(), history = syntheticHistory()): EvidenceSource {
  return {
    process: { id: PROCESS_ID, reference: 'C-2026-0042', createdAt: state.events[0].at },
    parties: {
      business: { tenantId: 'ten_default', name: 'Banco Ejemplo de Castilla, S.A.' },
      customer: {
        name: 'Ana María Núñez Peña',
        phone: '+34600111222',
        identification: { level: 'identified', reference: 'Expediente KYC 2026/118-ÑA' },
        channel: 'online',
      },
    },
    documents: DOCUMENTS,
    state,
    history: historyFingerprint(history, { workflowId: `process-${PROCESS_ID}`, runId: '0195f3a2-7c41-7d2e-9b6a-1f0c3e5d7a92' }),
    issuer,
    // as issueEvidence does: now, when the seal certificate (valid from an hour before it was made) is valid
    issuedAt: new Date().toISOString(),
  };
}

const attachmentsOf = (evidenceBytes: Uint8Array, jws: string): CertificateAttachment[] => [
  { name: 'evidence.json', description: 'Evidence (RFC 8785 canonical JSON)', mimeType: 'application/json', bytes: evidenceBytes },
  { name: 'evidence.jws', description: 'Evidence signature (compact JWS, ES256)', mimeType: 'application/jose', bytes: Buffer.from(jws) },
];

interface IssueOutcome {
  evidence: Evidence;
  evidenceBytes: Uint8Array;
  jws: string;
  view: CertificateView;
  certificate: Uint8Array;
  steps: Record<Step, number>;
}

/** What issueEvidence does between exporting the history and writing to custody, step by step. */
async function issue(identity: SealIdentity, source: EvidenceSource, render: Renderer): Promise<IssueOutcome> {
  let mark = performance.now();
  const lap = () => {
    const now = performance.now();
    const ms = now - mark;
    mark = now;
    return ms;
  };
  const evidence = buildEvidence(source);
  const build = lap();
  const evidenceBytes = canonicalBytes(evidence);
  const canonical = lap();
  const jws = await signEvidence(evidence, { privateKey: identity.privateKey, certificateChainDer: [identity.certificate, ...identity.chain] });
  const signed = lap();
  const view = certificateViewOf(evidence, { locale: 'es', timeZone: 'Europe/Madrid', verificationUrl: `https://testigo.example.com/verify/${PROCESS_ID}` });
  const gather = lap();
  const rendered = await render(view, attachmentsOf(evidenceBytes, jws));
  const rendering = lap();
  const certificate = await sealPdf(rendered, { identity, reason: `Evidence certificate of Testigo process ${PROCESS_ID} (C-2026-0042)`, location: 'Testigo' });
  const seal = lap();
  return { evidence, evidenceBytes, jws, view, certificate, steps: { build, canonical, sign: signed, gather, render: rendering, seal } };
}

// pdfmake as its documentation sets it up on Node: the package's Roboto files by path, read and parsed by every
// createPdf. An instance of its own (the package exports a singleton, which render.ts configures), so neither
// side's fonts or file policy leak into the other.
const require = createRequire(import.meta.url);
const ROBOTO = path.join(path.dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');
const STOCK_FONTS = {
  Roboto: {
    normal: path.join(ROBOTO, 'Roboto-Regular.ttf'),
    bold: path.join(ROBOTO, 'Roboto-Medium.ttf'),
    italics: path.join(ROBOTO, 'Roboto-Italic.ttf'),
    bolditalics: path.join(ROBOTO, 'Roboto-MediumItalic.ttf'),
  },
  [MONO]: { normal: 'Courier', bold: 'Courier-Bold', italics: 'Courier-Oblique', bolditalics: 'Courier-BoldOblique' },
};
const stockPdfmake = new (pdfmake.constructor as new () => typeof pdfmake)();
stockPdfmake.setUrlAccessPolicy(() => false);
stockPdfmake.setLocalAccessPolicy((file) => Object.values(STOCK_FONTS).some((f) => Object.values(f).includes(file)));
stockPdfmake.setFonts(STOCK_FONTS);

async function pdfmakeAlone(view: CertificateView, qrSvg: string): Promise<Buffer> {
  return stockPdfmake.createPdf(certificateLayout({ view, qrSvg })).getBuffer();
}

/** Runs fn while a timer ticks as often as it can; returns the longest gap between ticks (the longest block). */
async function longestBlock<T>(fn: () => Promise<T>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  let ticking = true;
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  await fn();
  ticking = false;
  const now = performance.now();
  return Math.max(longest, now - last);
}

async function samples(runs: number, warmup: number, fn: () => Promise<unknown> | unknown): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    out.push(performance.now() - started);
  }
  return out;
}

export async function benchCertificate({
  runs = Number(process.env.BENCH_CERT_RUNS ?? 30),
  warmup = 5,
  log = (_line: string) => undefined,
}: { runs?: number; warmup?: number; log?: (line: string) => void } = {}): Promise<CertificateBenchResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'testigo-bench-cert-'));
  try {
    const identity = await loadSealIdentity({ dataDir: dir });
    const source = syntheticEvidenceSource(issuerOf(identity.certificate));

    // (a) the full path as issueEvidence runs it (render on the thread), then with the render in process, its steps
    // timed inside each run; the event loop watched on separate runs (the ticker itself takes turns).
    const full = async (render: Renderer) => {
      log(
        `certificate: full issue path, render ${render === renderCertificate ? 'in process' : 'on the render thread'}, ${warmup} warm-up + ${runs} measured…`,
      );
      for (let i = 0; i < warmup; i++) await issue(identity, source, render);
      const total: number[] = [];
      const steps: Record<Step, number[]> = { build: [], canonical: [], sign: [], gather: [], render: [], seal: [] };
      let last!: IssueOutcome;
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        last = await issue(identity, source, render);
        total.push(performance.now() - started);
        for (const [k, v] of Object.entries(last.steps)) steps[k as Step].push(v);
      }
      const blocks: number[] = [];
      for (let i = 0; i < Math.min(10, runs); i++) blocks.push(await longestBlock(() => issue(identity, source, render)));
      blocks.sort((a, b) => a - b);
      return { total, steps, last, blocks: { p50: blocks[Math.floor((blocks.length - 1) / 2)], max: blocks[blocks.length - 1] } };
    };
    const threaded = await full(renderCertificateInThread);
    const inProcess = await full(renderCertificate);
    const last = inProcess.last;

    // (b) pdfmake alone, the same view and QR code
    log('certificate: pdfmake alone…');
    const qrSvg = await QRCode.toString(last.view.verificationUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 4, color: { light: '#ffffffff' } });
    const pdfmakeMs = await samples(runs, warmup, () => pdfmakeAlone(last.view, qrSvg));

    // (c) one ES256 signature: node:crypto over the canonical bytes, and node-jose's whole signEvidence
    log('certificate: ES256 signatures and verification…');
    const es256 = await samples(runs, warmup, () => sign('sha256', last.evidenceBytes, { key: identity.privateKey, dsaEncoding: 'ieee-p1363' }));
    const signer = { privateKey: identity.privateKey, certificateChainDer: [identity.certificate, ...identity.chain] };
    const signMs = await samples(runs, warmup, () => signEvidence(last.evidence, signer));

    // (d) verification, as POST /v1/evidence/verify runs it
    const verifyOptions = { jwks: jwks(identity.privateKey, [identity.certificate, ...identity.chain]), trustedCaPem: identity.caPem };
    const verification = await verifyEvidence({ evidence: last.evidence, jws: last.jws }, verifyOptions);
    const verifyMs = await samples(runs, warmup, () => verifyEvidence({ evidence: last.evidence, jws: last.jws }, verifyOptions));
    const pdfVerification = await verifyPdf(last.certificate, verifyOptions);
    const verifyPdfMs = await samples(runs, warmup, () => verifyPdf(last.certificate, verifyOptions));

    const pages = countPages(last.certificate);
    const fullMs = percentiles(threaded.total);
    const result: CertificateBenchResult = {
      runs,
      warmup,
      evidenceEvents: last.evidence.events.length,
      timelineRows: last.view.timeline.length,
      pages,
      evidenceBytes: last.evidenceBytes.length,
      certificateBytes: last.certificate.length,
      fullMs,
      fullInProcessMs: percentiles(inProcess.total),
      stepsMs: Object.fromEntries(Object.entries(inProcess.steps).map(([k, v]) => [k, percentiles(v)])) as Record<Step, Percentiles>,
      renderInThreadMs: percentiles(threaded.steps.render),
      pdfmakeMs: percentiles(pdfmakeMs),
      es256NodeMs: percentiles(es256),
      signEvidenceMs: percentiles(signMs),
      verifyMs: percentiles(verifyMs),
      verifyValid: verification.valid,
      verifyPdfMs: percentiles(verifyPdfMs),
      verifyPdfValid: pdfVerification.valid,
      verifyFailures: verification.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`),
      eventLoopBlockMs: { renderInThread: threaded.blocks, renderInProcess: inProcess.blocks },
      ratios: {
        fullOverPdfmake: fullMs.p50 / percentiles(pdfmakeMs).p50,
        fullOverEs256: fullMs.p50 / percentiles(es256).p50,
        fullOverSignEvidence: fullMs.p50 / percentiles(signMs).p50,
      },
      budget: {
        name: 'certificate (evidence + JWS + PDF + PAdES seal) for a 100-event process, p50',
        limitMs: BUDGET_CERTIFICATE_MS,
        p50Ms: fullMs.p50,
        p95Ms: fullMs.p95,
        met: fullMs.p50 <= BUDGET_CERTIFICATE_MS,
      },
    };
    return result;
  } finally {
    await closeRenderThread();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pages of a PDF pdfkit wrote (one /Type /Pages tree, its /Count), without a PDF parser. */
function countPages(pdf: Uint8Array): number {
  const text = Buffer.from(pdf).toString('latin1');
  const match = /\/Type \/Pages\s*\/Count (\d+)/.exec(text) ?? /\/Count (\d+)/.exec(text);
  return match ? Number(match[1]) : NaN;
}

export function formatCertificateTable(r: CertificateBenchResult): string {
  const ms = (v: number) => (v < 10 ? `${v.toFixed(2)} ms` : `${v.toFixed(1)} ms`);
  const row = (what: string, s: Percentiles) => `| ${what} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.p99)} |`;
  const block = (b: { p50: number; max: number }) => `p50 ${ms(b.p50)}, max ${ms(b.max)}`;
  const lines = [
    `${r.evidenceEvents} evidence events → ${r.timelineRows} timeline rows, ${r.pages} pages; evidence.json ${(r.evidenceBytes / 1024).toFixed(0)} KiB, ` +
      `sealed certificate ${(r.certificateBytes / 1024).toFixed(0)} KiB; ${r.runs} samples after ${r.warmup} warm-up each`,
    '',
    '| measured | p50 | p95 | p99 |',
    '| --- | ---: | ---: | ---: |',
    row('(a) full issue path as issueEvidence runs it: build + canonical + JWS + gather + render (render thread) + seal (B-B)', r.fullMs),
    row('    render on the render thread, copies to and from it included', r.renderInThreadMs),
    row('(a) full issue path, render in process', r.fullInProcessMs),
    row('    build evidence', r.stepsMs.build),
    row('    canonical bytes (RFC 8785)', r.stepsMs.canonical),
    row('    signEvidence (node-jose ES256 JWS)', r.stepsMs.sign),
    row('    gather the view', r.stepsMs.gather),
    row('    renderCertificate (pdfmake + QR + 2 attachments)', r.stepsMs.render),
    row('    sealPdf (PAdES B-B)', r.stepsMs.seal),
    row('(b) pdfmake alone, same layout (stock font set-up: files parsed per document; no attachments, no seal)', r.pdfmakeMs),
    row('(c) one ES256 signature of the canonical bytes (node:crypto)', r.es256NodeMs),
    row('(c) signEvidence alone (node-jose)', r.signEvidenceMs),
    row(`(d) verifyEvidence (${r.verifyValid ? 'valid' : `INVALID — ${r.verifyFailures.join('; ')}`})`, r.verifyMs),
    row(`(e) verifyPdf of the sealed certificate: seal, attachments, evidence (${r.verifyPdfValid ? 'valid' : 'INVALID'})`, r.verifyPdfMs),
    '',
    `ratios (p50): full / pdfmake alone ${r.ratios.fullOverPdfmake.toFixed(2)}×, full / one ES256 signature ${r.ratios.fullOverEs256.toFixed(0)}×, ` +
      `full / signEvidence ${r.ratios.fullOverSignEvidence.toFixed(0)}×`,
    `longest event-loop block on the calling thread during one full issue: render on the thread ${block(r.eventLoopBlockMs.renderInThread)}; ` +
      `render in process ${block(r.eventLoopBlockMs.renderInProcess)}`,
    `budget (PRODUCT.md §6): certificate for a ${r.evidenceEvents}-event process ≤ ${r.budget.limitMs} ms — ${r.budget.met ? 'MET' : 'NOT MET'} ` +
      `(p50 ${ms(r.budget.p50Ms)}, p95 ${ms(r.budget.p95Ms)})`,
  ];
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchCertificate({ log: (line) => process.stderr.write(`[bench] ${line}\n`) });
  console.log(formatCertificateTable(result));
}
