// The evidence core: a completed process's recorded events and messages become one hash-chained, signed
// evidence document that verifies with our own checks and with an independent JOSE library; every kind of
// tampering makes it invalid and names the check that caught it; no code, key or token can get in.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { calculateJwkThumbprint, compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import jose from 'node-jose';
import { generateDevSeal, type DevSealMaterial } from '../../sealing/dev-ca';
import { requestTimestamp } from '../../sealing';
import { startTestTsa, type TestTsa } from '../support/tsa';
import { timestampImprint, withTimestamp } from '../../evidence/timestamp';
import type { EvidenceTimestamp } from '../../evidence/model';
import type { ProcessEvent, ProcessMessage } from '../../shared/process';
import { completedState, DOCS, evidenceSource, HISTORY, out, PROCESS_ID, recent, sha, SIGNED, t } from '../support/evidence-fixture';
import {
  buildEvidence,
  buildEvidenceEvents,
  canonicalBytes,
  chainEvents,
  eventHash,
  EvidenceBuildError,
  GENESIS,
  GENESIS_HASH,
  historyFingerprint,
  issuerOf,
  jwks,
  jwkThumbprint,
  signEvidence,
  verifyEvidence,
  type CheckName,
  type Evidence,
  type EvidenceEvent,
  type EvidenceSource,
  type Jwks,
  type UnchainedEvidenceEvent,
  type VerificationResult,
} from '../../evidence';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const der = (pem: string) => new Uint8Array(new X509Certificate(pem).raw);

// ---- a realistic completed process, shaped as the workflow records it (test/support/evidence-fixture.ts) -----

/** What buildEvidence takes for the fixture, issued by the seal (so that the JWS can be checked against it). */
function sourceFor(seal: { sealPem: string }, processId = PROCESS_ID, state = completedState()): EvidenceSource {
  return evidenceSource({ processId, state, issuer: issuerOf(der(seal.sealPem)) });
}

function evidenceFor(seal: { sealPem: string }, processId = PROCESS_ID, state = completedState()): Evidence {
  return buildEvidence(sourceFor(seal, processId, state));
}

// ---- the tests -------------------------------------------------------------------------------------------

// The seal: a development CA and seal certificate (ECDSA P-256), as a deployment without SEAL_P12 has.
let SEAL: DevSealMaterial;
let CHAIN: Uint8Array[];
let JWKS: Jwks;

async function loadSeal() {
  SEAL ??= await generateDevSeal(new Date('2026-11-01T00:00:00Z'));
  CHAIN = [der(SEAL.sealPem), der(SEAL.caPem)];
  JWKS = jwks(SEAL.sealKeyPem, CHAIN);
}

describe('evidence: canonical bytes (RFC 8785)', () => {
  const canonical = (value: unknown) => text(canonicalBytes(value));
  const float = (hex: string) => Buffer.from(hex, 'hex').readDoubleBE(0);

  it('serialises numbers as RFC 8785 Appendix B does', () => {
    const samples: Array<[string, string]> = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [hex, expected] of samples) assert.equal(canonical(float(hex)), expected, hex);
    // NaN and Infinity have no JSON form: an error, not null
    assert.throws(() => canonicalBytes({ n: float('7fffffffffffffff') }));
    assert.throws(() => canonicalBytes({ n: float('7ff0000000000000') }));
    assert.throws(() => canonicalBytes(undefined), /no JSON form/);
  });

  it('sorts properties by UTF-16 code units (RFC 8785 §3.2.3)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const order = Object.values(JSON.parse(canonical(input)) as Record<string, string>);
    // JSON.parse puts the integer-like key first; read the order from the text instead
    const inText = [...canonical(input).matchAll(/":"([^"]+)"/g)].map((m) => m[1]);
    assert.equal(order.length, 7);
    assert.deepEqual(inText, [
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
  });

  it('produces the RFC 8785 §3.2.4 sample output, byte for byte in UTF-8', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    ) as unknown;
    const expected = '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}';
    assert.equal(canonical(input), expected);
    assert.deepEqual(Buffer.from(canonicalBytes(input)), Buffer.from(expected, 'utf8'));
    assert.equal(canonicalBytes(input)[Buffer.from(expected).indexOf('€')], 0xe2);
  });
});

describe('evidence: from the process record', () => {
  before(loadSeal);

  it('turns events and messages into one time-ordered list, receipts as events of their own', () => {
    const events = buildEvidenceEvents(completedState());
    const types = events.map((e) => `${e.type}${e.providerMessageIds ? ` ${e.providerMessageIds.join(',')}` : ''}`);
    assert.deepEqual(types, [
      'process.created',
      'message.sent wamid.OPTIN',
      'opt_in.requested wamid.OPTIN',
      'message.read wamid.OPTIN',
      'message.received wamid.IN1',
      'opt_in.accepted wamid.IN1',
      'message.sent wamid.DOC1',
      'message.delivered wamid.DOC1',
      'message.sent wamid.DOC2',
      'documents.sent wamid.DOC1,wamid.DOC2',
      'message.sent wamid.REVIEW',
      'message.delivered wamid.DOC2',
      'message.read wamid.REVIEW',
      'message.received wamid.IN2',
      'documents.reviewed wamid.IN2',
      'message.sent wamid.ACCEPT',
      'conditions.presented wamid.ACCEPT',
      'message.read wamid.ACCEPT',
      'message.received wamid.IN3',
      'conditions.accepted wamid.IN3',
      'message.sent SM6f1c0a',
      'otp.sent SM6f1c0a',
      'message.sent wamid.OTPPROMPT',
      'message.delivered wamid.OTPPROMPT',
      'message.delivered SM6f1c0a',
      'message.received wamid.IN4',
      'otp.attempt_failed wamid.IN4',
      'message.sent wamid.WRONG',
      'message.failed wamid.WRONG',
      'message.received wamid.IN5',
      'otp.verified wamid.IN5',
      'message.sent wamid.VALPROMPT',
      'validation.requested',
      'message.received wamid.IN6',
      'validation.passed wamid.IN6',
      'document.sealed',
      'document.sealed',
      'message.sent wamid.INTRO',
      // the same millisecond: messages in the order they were recorded, each receipt after its own send
      'message.delivered wamid.INTRO',
      'message.sent wamid.SIGNED1',
      'message.sent wamid.SIGNED2',
      'signed_documents.delivered wamid.SIGNED1,wamid.SIGNED2',
      'message.sent wamid.DONE',
      'process.completed',
      'message.delivered wamid.SIGNED1',
      'message.delivered wamid.DONE',
      'message.read wamid.SIGNED2',
    ]);
    for (let i = 1; i < events.length; i++) assert.ok(events[i - 1].at <= events[i].at, `${i}: time order`);
  });

  it('types each detail: documents with their hashes, OTP attempt n of m and which code, who acted', () => {
    const events = buildEvidenceEvents(completedState());
    const find = (type: string) => events.find((e) => e.type === type)!;
    assert.deepEqual(find('process.created'), {
      at: t('00:00.000'),
      type: 'process.created',
      channel: 'api',
      actor: 'business',
      detail: { reference: 'C-2026-0042', optInMode: 'whatsapp', documents: 2 },
    });
    assert.deepEqual(find('documents.sent').detail, { round: 0, documents: DOCS.map((d) => ({ id: d.id, sha256: d.sha256 })) });
    assert.deepEqual(find('otp.sent'), {
      at: t('01:31.000'),
      type: 'otp.sent',
      channel: 'sms',
      actor: 'testigo',
      providerMessageIds: ['SM6f1c0a'],
      detail: { codeGeneration: 1, channels: 'sms' },
    });
    assert.deepEqual(find('otp.verified').detail, { attempt: 2, of: 5, codeGeneration: 1 });
    assert.equal(find('otp.verified').actor, 'customer');
    // the button acceptance does not repeat the mode: it is the requested one
    assert.deepEqual(find('opt_in.accepted').detail, { mode: 'whatsapp', button: null });
    assert.deepEqual(find('document.sealed').detail, { documentId: DOCS[0].id, sha256: DOCS[0].sha256, signedSha256: SIGNED[0], level: 'B-B' });
    assert.equal(find('message.read').actor, 'customer');
    assert.deepEqual(find('message.failed').detail, { providerAt: t('01:51.000'), error: 131049 });
    // a receipt the provider timed before our send sits at the send, keeping the provider's time beside it
    const doc1 = events.filter((e) => e.type.startsWith('message.') && e.providerMessageIds?.[0] === 'wamid.DOC1');
    assert.deepEqual(
      doc1.map((e) => [e.type, e.at, e.detail]),
      [
        ['message.sent', t('00:13.100'), { purpose: 'document' }],
        ['message.delivered', t('00:13.100'), { providerAt: t('00:13.000') }],
      ],
    );
    // no field of the evidence is called code, even though the workflow's detail is
    assert.ok(!JSON.stringify(events).includes('"code"'));
  });

  it('carries the opt-in template as the customer saw it, and the button they tapped, when the caller knows its text', () => {
    const shown = {
      language: 'es',
      text: '¡Hola! Acme Seguros quiere enviarte…',
      footer: 'Puedes dejar de recibirlos cuando quieras.',
      buttons: ['Sí, acepto', 'No'],
    };
    const asked: string[] = [];
    const events = buildEvidenceEvents(completedState(), {
      templates: (name) => {
        asked.push(name);
        return name === 'testigo_opt_in' ? shown : null;
      },
    });
    const find = (type: string) => events.find((e) => e.type === type)!;
    assert.deepEqual(find('opt_in.requested').detail, { mode: 'whatsapp', template: 'testigo_opt_in', ...shown });
    assert.deepEqual(find('opt_in.accepted').detail, { mode: 'whatsapp', button: 'Sí, acepto' });
    assert.deepEqual(asked, ['testigo_opt_in']);
    // a text the caller does not know is null, never made up; click-to-chat sends no template at all
    const unknown = buildEvidenceEvents(completedState(), { templates: () => null });
    assert.deepEqual(unknown.find((e) => e.type === 'opt_in.requested')!.detail, {
      mode: 'whatsapp',
      template: 'testigo_opt_in',
      language: null,
      text: null,
      footer: null,
      buttons: [],
    });
    const clickToChat = buildEvidenceEvents(
      {
        events: [
          { at: t('00:00.000'), type: 'opt_in.requested', channel: 'api', detail: { mode: 'click_to_chat' } },
          { at: t('00:30.000'), type: 'opt_in.accepted', channel: 'whatsapp', messageIds: ['wamid.IN1'], detail: { mode: 'click_to_chat' } },
        ],
        messages: [],
      },
      { templates: () => shown },
    );
    assert.deepEqual(
      clickToChat.map((e) => e.detail),
      [
        { mode: 'click_to_chat', template: null, language: null, text: null, footer: null, buttons: [] },
        { mode: 'click_to_chat', button: null },
      ],
    );
  });

  it('turns every receipt of a message into an event at its own time: sent, delivered, read, failed, in whatever order they came', () => {
    const withReceipts = (message: ProcessMessage, receipts: ProcessMessage['receipts'], error?: number) => ({
      ...message,
      receipts,
      ...(error ? { error } : {}),
    });
    const events = buildEvidenceEvents({
      events: [],
      messages: [
        // all three, the provider's sent (whole seconds) before our record of the send: clamped to it
        withReceipts(out('wamid.A', 'opt_in', t('00:00.500'), 'read', t('00:09')), { sent: t('00:00'), delivered: t('00:02'), read: t('00:09') }),
        // read reported before delivered (WhatsApp does not promise the order): both kept, in time order
        withReceipts(out('wamid.B', 'document', t('00:01.000'), 'read', t('00:05')), { read: t('00:05'), delivered: t('00:06') }),
        withReceipts(out('SM1', 'otp', t('00:01.500'), 'failed', t('00:03'), 'sms'), { sent: t('00:01.600'), failed: t('00:03') }, 30003),
        // recorded before receipts were kept: the furthest status only
        out('wamid.C', 'reminder', t('00:02.000'), 'delivered', t('00:04')),
      ],
    });
    assert.deepEqual(
      events.map(
        (e) => `${e.type} ${e.providerMessageIds![0]} ${e.at.slice(14, 23)}${'providerAt' in e.detail ? ` ${String(e.detail.providerAt).slice(14, 23)}` : ''}`,
      ),
      [
        'message.sent wamid.A 00:00.500',
        'message.dispatched wamid.A 00:00.500 00:00.000',
        'message.sent wamid.B 00:01.000',
        'message.sent SM1 00:01.500',
        'message.dispatched SM1 00:01.600 00:01.600',
        'message.delivered wamid.A 00:02.000 00:02.000',
        'message.sent wamid.C 00:02.000',
        'message.failed SM1 00:03.000 00:03.000',
        'message.delivered wamid.C 00:04.000 00:04.000',
        'message.read wamid.B 00:05.000 00:05.000',
        'message.delivered wamid.B 00:06.000 00:06.000',
        'message.read wamid.A 00:09.000 00:09.000',
      ],
    );
    assert.deepEqual(events.find((e) => e.type === 'message.failed')!.detail, { providerAt: t('00:03.000'), error: 30003 });
    assert.deepEqual(
      events.filter((e) => e.type !== 'message.sent').map((e) => e.actor),
      ['testigo', 'testigo', 'testigo', 'testigo', 'testigo', 'customer', 'testigo', 'customer'],
      'a read is the customer’s, every other receipt the provider’s (testigo side)',
    );
    assert.throws(
      () => buildEvidenceEvents({ events: [], messages: [withReceipts(out('wamid.X', 'opt_in', t('00:00')), { delivered: 'soon' })] }),
      /message 0 \(wamid.X\) receipt delivered: unreadable time "soon"/,
    );
  });

  it('refuses what it cannot read: unknown types, missing or mistyped fields, bad times, receipts without time', () => {
    const state = completedState();
    const withEvent = (event: ProcessEvent) => ({ events: [event], messages: [] });
    assert.throws(() => buildEvidenceEvents(withEvent({ at: t('00:00'), type: 'process.teleported' as never })), EvidenceBuildError);
    assert.throws(() => buildEvidenceEvents(withEvent({ at: t('00:00'), type: 'process.teleported' as never })), /unknown type "process.teleported"/);
    assert.throws(
      () => buildEvidenceEvents(withEvent({ ...state.events[9], detail: { attempt: 2, of: 5 } })),
      /event 0 \(otp.verified\): detail.code must be a number/,
    );
    assert.throws(
      () => buildEvidenceEvents(withEvent({ ...state.events[0], detail: { reference: 'x', optIn: 'carrier_pigeon', documents: 1 } })),
      /detail.optIn must be one of/,
    );
    assert.throws(() => buildEvidenceEvents(withEvent({ ...state.events[3], detail: { round: 0, documents: 'doc_1:nothex' } })), /id:sha256/);
    assert.throws(() => buildEvidenceEvents(withEvent({ ...state.events[0], at: 'yesterday' })), /unreadable time "yesterday"/);
    assert.throws(
      () => buildEvidenceEvents({ events: [], messages: [out('wamid.X', 'opt_in', t('00:00'), 'delivered')] }),
      /status delivered without statusAt/,
    );
    // unknown detail fields are left out, never copied
    const extra = buildEvidenceEvents(withEvent({ ...state.events[15], detail: { documents: 2, apiKey: 'tsk_secret' } }));
    assert.deepEqual(extra[0].detail, { documents: 2 });
  });

  it('builds the evidence: status, completion and signed hashes from the record; a status the events deny is refused', () => {
    const evidence = evidenceFor({ sealPem: SEAL.sealPem });
    assert.equal(evidence.version, 1);
    assert.deepEqual(evidence.process, {
      id: 'prc_01JD8K3M2A',
      reference: 'C-2026-0042',
      status: 'completed',
      reason: null,
      createdAt: t('00:00.000'),
      completedAt: t('02:22.800'),
    });
    assert.deepEqual(
      evidence.documents.map((d) => [d.id, d.sha256, d.signedSha256, d.size, d.pages]),
      DOCS.map((d, i) => [d.id, d.sha256, SIGNED[i], d.size, d.pages]),
    );
    assert.equal(evidence.parties.customer.phone, '+34600111222');
    assert.equal(evidence.issuer.subject, 'O=Testigo, CN=Testigo Development Seal');
    const state = completedState();
    state.events.pop();
    assert.throws(() => evidenceFor(SEAL, 'prc_x', state), /status completed disagrees/);
  });

  it('chains events: seq 1..n, the first linked to the genesis hash, each hash over its canonical bytes', () => {
    const chained = chainEvents(buildEvidenceEvents(completedState()));
    assert.equal(GENESIS_HASH, sha(GENESIS));
    assert.equal(chained[0].prevHash, GENESIS_HASH);
    chained.forEach((event, i) => {
      assert.equal(event.seq, i + 1);
      if (i > 0) assert.equal(event.prevHash, chained[i - 1].hash);
      const { hash, ...rest } = event;
      assert.equal(hash, createHash('sha256').update(canonicalBytes(rest)).digest('hex'));
      assert.equal(eventHash(event), hash);
    });
  });

  it('fingerprints the exported history over its exact bytes; refuses what is not a history', () => {
    assert.deepEqual(historyFingerprint(HISTORY, { workflowId: 'process-prc_1', runId: 'run-1' }), {
      sha256: createHash('sha256').update(HISTORY).digest('hex'),
      eventCount: 3,
      workflowId: 'process-prc_1',
      runId: 'run-1',
    });
    const meta = { workflowId: 'w', runId: 'r' };
    const bytes = (s: string) => new TextEncoder().encode(s);
    assert.throws(() => historyFingerprint(bytes('{"events":['), meta), /not UTF-8 JSON/);
    assert.throws(() => historyFingerprint(new Uint8Array([0xff, 0xfe]), meta), /not UTF-8 JSON/);
    assert.throws(() => historyFingerprint(bytes('{"events":[]}'), meta), /no events/);
    assert.throws(() => historyFingerprint(bytes('null'), meta), /no events/);
    assert.throws(() => historyFingerprint(bytes('{"events":[{"eventId":"1"},{"eventId":"3"}]}'), meta), /event 2 has eventId 3/);
  });
});

describe('evidence: JWS and verification', () => {
  let evidence: Evidence;
  let jws: string;

  before(async () => {
    await loadSeal();
    evidence = evidenceFor(SEAL);
    jws = await signEvidence(evidence, { privateKey: SEAL.sealKeyPem, certificateChainDer: CHAIN });
  });

  const copy = () => structuredClone(evidence);
  const verify = (e: Evidence, j = jws, options: { jwks?: Jwks; trustedCaPem?: string } = {}) =>
    verifyEvidence({ evidence: e, jws: j }, { jwks: options.jwks ?? JWKS, trustedCaPem: 'trustedCaPem' in options ? options.trustedCaPem : SEAL.caPem });
  /** asserts invalid, and exactly these checks failed */
  const failed = (result: VerificationResult, ...names: CheckName[]) => {
    assert.equal(result.valid, false);
    assert.deepEqual(
      result.checks.filter((c) => !c.ok).map((c) => c.name),
      names,
      JSON.stringify(result.checks.filter((c) => !c.ok)),
    );
  };
  const detail = (result: VerificationResult, name: CheckName) => result.checks.find((c) => c.name === name)!.detail;

  it('verifies the untouched evidence, every check passing and named', async () => {
    const result = await verify(evidence);
    assert.equal(result.valid, true, JSON.stringify(result.checks));
    assert.deepEqual(
      result.checks.map((c) => [c.name, c.ok]),
      [
        ['evidence_version', true],
        ['jws_signature', true],
        ['jws_payload_matches_evidence', true],
        ['hash_chain', true],
        ['event_order', true],
        ['documents_sealed', true],
        ['certificate_chain', true],
        ['chain_timestamp', true],
        ['no_secrets', true],
      ],
    );
    assert.match(detail(result, 'hash_chain'), new RegExp(`^${evidence.events.length} events linked, head ${evidence.events.at(-1)!.hash}$`));
    assert.match(detail(result, 'certificate_chain'), /^O=Testigo, CN=Testigo Development Seal chains to O=Testigo, CN=Testigo Development CA$/);
    // pure and deterministic: the same inputs, the same answer
    assert.deepEqual(await verify(evidence), result);
  });

  it('is a standard JWS: jose verifies it with the JWK from the JWKS and reads the evidence bytes back', async () => {
    const header = decodeProtectedHeader(jws);
    assert.deepEqual(Object.keys(header).sort(), ['alg', 'kid', 'typ', 'x5c']);
    assert.equal(header.alg, 'ES256');
    assert.equal(header.typ, 'testigo-evidence+jws');
    assert.deepEqual(header.x5c, JWKS.keys[0].x5c);
    assert.deepEqual(
      header.x5c,
      CHAIN.map((c) => Buffer.from(c).toString('base64')),
    );
    const jwk = JWKS.keys.find((k) => k.kid === header.kid)!;
    const { payload, protectedHeader } = await compactVerify(jws, await importJWK(jwk, 'ES256'), { algorithms: ['ES256'] });
    assert.equal(protectedHeader.kid, jwk.kid);
    assert.deepEqual(Buffer.from(payload), Buffer.from(canonicalBytes(evidence)));
    assert.deepEqual(JSON.parse(text(payload)), evidence);
    // kid is the RFC 7638 thumbprint, as jose and node-jose compute it
    assert.equal(jwk.kid, await calculateJwkThumbprint(jwk, 'sha256'));
    const nodeJoseKey = await jose.JWK.asKey(createPublicKey(SEAL.sealKeyPem).export({ format: 'jwk' }));
    assert.equal(jwk.kid, Buffer.from(await nodeJoseKey.thumbprint('SHA-256')).toString('base64url'));
    assert.equal(jwkThumbprint(new X509Certificate(SEAL.sealPem).publicKey), jwk.kid);
    // the JWKS holds the public key only
    assert.deepEqual(Object.keys(jwk).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'x5c', 'y']);
  });

  it('makes the same bytes, hashes and chain head from the same evidence, whatever the key order', () => {
    const shuffle = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(shuffle)
        : typeof value === 'object' && value !== null
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([k, v]) => [k, shuffle(v)]),
            )
          : value;
    const a = canonicalBytes(evidence);
    const b = canonicalBytes(shuffle(evidence));
    assert.notEqual(JSON.stringify(shuffle(evidence)), JSON.stringify(evidence));
    assert.deepEqual(Buffer.from(b), Buffer.from(a));
    assert.equal(sha(text(a)), sha(text(canonicalBytes(structuredClone(evidence)))));
    assert.deepEqual(evidenceFor(SEAL).events, evidence.events);
  });

  // ---- tampering: each must be caught, and by the check that says what was done ------------------------

  it('a flipped byte of the signature: jws_signature', async () => {
    const [h, p, s] = jws.split('.');
    const signature = Buffer.from(s, 'base64url');
    signature[10] ^= 0x01;
    const result = await verify(evidence, `${h}.${p}.${signature.toString('base64url')}`);
    failed(result, 'jws_signature');
    assert.match(detail(result, 'jws_signature'), /does not verify/);
  });

  it("an event's detail changed: hash_chain names its seq, and the JWS no longer matches", async () => {
    const tampered = copy();
    const verified = tampered.events.find((e) => e.type === 'otp.verified') as EvidenceEvent & { detail: { attempt: number } };
    verified.detail.attempt = 1;
    const result = await verify(tampered);
    failed(result, 'jws_payload_matches_evidence', 'hash_chain');
    assert.match(detail(result, 'hash_chain'), new RegExp(`^seq ${verified.seq} \\(position ${verified.seq}\\): hash does not match`));
    assert.match(detail(result, 'jws_payload_matches_evidence'), /differs in: events\)/);
  });

  it('an edited event with the chain rebuilt after it: only the JWS catches it', async () => {
    const tampered = copy();
    const accepted = tampered.events.find((e) => e.type === 'conditions.accepted')!;
    accepted.providerMessageIds = ['wamid.SOMEONE_ELSES_TAP'];
    tampered.events = chainEvents(tampered.events.map(({ seq: _s, hash: _h, prevHash: _p, ...rest }) => rest));
    failed(await verify(tampered), 'jws_payload_matches_evidence');
  });

  it('two events reordered: hash_chain and event_order', async () => {
    const tampered = copy();
    const i = tampered.events.findIndex((e) => e.type === 'otp.attempt_failed');
    [tampered.events[i], tampered.events[i + 1]] = [tampered.events[i + 1], tampered.events[i]];
    const result = await verify(tampered);
    failed(result, 'jws_payload_matches_evidence', 'hash_chain', 'event_order');
    assert.match(detail(result, 'hash_chain'), new RegExp(`^seq ${i + 2} \\(position ${i + 1}\\): prevHash`));
    assert.match(detail(result, 'event_order'), new RegExp(`^position ${i + 1} has seq ${i + 2}`));
  });

  it('an event inserted: hash_chain and event_order', async () => {
    const tampered = copy();
    const i = tampered.events.findIndex((e) => e.type === 'otp.verified');
    tampered.events.splice(i, 0, structuredClone(tampered.events[i]));
    const result = await verify(tampered);
    failed(result, 'jws_payload_matches_evidence', 'hash_chain', 'event_order');
    assert.match(detail(result, 'hash_chain'), new RegExp(`^seq ${i + 1} \\(position ${i + 2}\\): prevHash`));
  });

  it('an event deleted: hash_chain names the one after it, event_order the gap', async () => {
    const tampered = copy();
    const i = tampered.events.findIndex((e) => e.type === 'otp.attempt_failed');
    tampered.events.splice(i, 1);
    const result = await verify(tampered);
    failed(result, 'jws_payload_matches_evidence', 'hash_chain', 'event_order');
    assert.match(detail(result, 'hash_chain'), new RegExp(`^seq ${i + 2} \\(position ${i + 1}\\): prevHash`));
    assert.match(detail(result, 'event_order'), new RegExp(`^position ${i + 1} has seq ${i + 2}`));
  });

  it('the last event deleted (a truncated chain): only the JWS catches it', async () => {
    const tampered = copy();
    tampered.events.pop();
    failed(await verify(tampered), 'jws_payload_matches_evidence');
  });

  it('two documents swap hashes: documents_sealed', async () => {
    const tampered = copy();
    [tampered.documents[0].sha256, tampered.documents[1].sha256] = [tampered.documents[1].sha256, tampered.documents[0].sha256];
    const result = await verify(tampered);
    failed(result, 'jws_payload_matches_evidence', 'documents_sealed');
    assert.match(detail(result, 'documents_sealed'), new RegExp(`sent document ${DOCS[0].id} does not match`));
    assert.match(detail(result, 'jws_payload_matches_evidence'), /differs in: documents\)/);
  });

  it('a signed hash replaced: documents_sealed', async () => {
    const tampered = copy();
    tampered.documents[1].signedSha256 = sha('another sealed copy');
    const result = await verify(tampered);
    failed(result, 'jws_payload_matches_evidence', 'documents_sealed');
    assert.match(detail(result, 'documents_sealed'), new RegExp(`the sealed hashes of ${DOCS[1].id} do not match`));
  });

  it('a completed process with a document never sealed: documents_sealed', async () => {
    const state = completedState();
    state.events.splice(13, 1);
    state.documents[1].signedSha256 = null;
    const unsealed = evidenceFor(SEAL, 'prc_unsealed', state);
    const result = await verify(unsealed, await signEvidence(unsealed, { privateKey: SEAL.sealKeyPem, certificateChainDer: CHAIN }));
    failed(result, 'documents_sealed');
    assert.equal(detail(result, 'documents_sealed'), `completed, but not sealed: ${DOCS[1].id}`);
  });

  it('re-signed with another key: jws_signature (kid unknown), and its chain does not reach our CA', async () => {
    const other = await generateDevSeal(new Date('2026-11-01T00:00:00Z'));
    const forged = { ...copy(), issuer: issuerOf(der(other.sealPem)) };
    const forgedJws = await signEvidence(forged, { privateKey: other.sealKeyPem, certificateChainDer: [der(other.sealPem), der(other.caPem)] });
    const result = await verify(forged, forgedJws);
    failed(result, 'jws_signature', 'certificate_chain');
    assert.match(detail(result, 'jws_signature'), /^kid ".+" is not in the JWKS$/);
    assert.match(detail(result, 'certificate_chain'), /does not end at the trusted CA/);
    // the forger's own JWKS verifies the signature: only the published JWKS and CA make it ours
    failed(await verify(forged, forgedJws, { jwks: jwks(other.sealKeyPem, []) }), 'certificate_chain');
  });

  it('a JWS of another evidence: jws_payload_matches_evidence, naming what differs', async () => {
    const another = evidenceFor(SEAL, 'prc_01JD8K3M2B');
    const anotherJws = await signEvidence(another, { privateKey: SEAL.sealKeyPem, certificateChainDer: CHAIN });
    assert.equal((await verify(another, anotherJws)).valid, true);
    const result = await verify(evidence, anotherJws);
    failed(result, 'jws_payload_matches_evidence');
    assert.equal(detail(result, 'jws_payload_matches_evidence'), 'the JWS signs other evidence (differs in: history, process)');
  });

  it('an OTP code in a detail: no_secrets, without repeating it', async () => {
    const tampered = copy();
    const verified = tampered.events.find((e) => e.type === 'otp.verified')!;
    (verified.detail as Record<string, unknown>).code = '123456';
    const rechained = { ...tampered, events: chainEvents(tampered.events.map(({ seq: _s, hash: _h, prevHash: _p, ...rest }) => rest)) };
    const resigned = await signEvidence(rechained, { privateKey: SEAL.sealKeyPem, certificateChainDer: CHAIN });
    const result = await verify(rechained, resigned);
    failed(result, 'no_secrets');
    assert.equal(detail(result, 'no_secrets'), `evidence.events[${verified.seq - 1}].detail.code looks like a code`);
  });

  it('no_secrets: codes however written, keys and tokens by name or by their look; innocent numbers pass', async () => {
    const secrets = async (extra: Record<string, unknown>) => {
      const e = copy() as unknown as Record<string, unknown>;
      Object.assign(e, extra);
      return (await verify(e as unknown as Evidence)).checks.find((c) => c.name === 'no_secrets')!;
    };
    assert.equal((await secrets({ otp: 123456 })).ok, false);
    assert.equal((await secrets({ x: { OTP_CODE: '123 456' } })).ok, false);
    assert.equal((await secrets({ x: [{ code: '12-34-56' }] })).ok, false);
    assert.equal((await secrets({ x: { apiKey: 'anything' } })).ok, false);
    assert.equal((await secrets({ x: { token: 'abc' } })).ok, false);
    const key = await secrets({ note: 'key tsk_AbCdEfGhIjKlMnOpQrStUv was used' });
    assert.deepEqual([key.ok, key.detail], [false, 'evidence.note holds an API key']);
    assert.equal((await secrets({ note: 'token TG-7K3M9QXZ typed' })).ok, false);
    assert.equal((await secrets({ x: { code: 1, codeGeneration: 123456, reference: '123456' } })).ok, true);
  });

  it('certificate_chain: judged at issuedAt, and against the CA given', async () => {
    const late = { ...copy(), issuedAt: '2050-01-01T00:00:00.000Z' };
    const lateJws = await signEvidence(late, { privateKey: SEAL.sealKeyPem, certificateChainDer: CHAIN });
    const result = await verify(late, lateJws);
    failed(result, 'certificate_chain');
    assert.match(detail(result, 'certificate_chain'), /^certificate 1 \(O=Testigo, CN=Testigo Development Seal\) was not valid at issuedAt$/);
    const otherCa = (await generateDevSeal()).caPem;
    failed(await verify(evidence, jws, { trustedCaPem: otherCa }), 'certificate_chain');
    // without a CA the chain is still checked for consistency, and says it is not anchored
    const unanchored = await verify(evidence, jws, { trustedCaPem: undefined });
    assert.equal(unanchored.valid, true);
    assert.match(detail(unanchored, 'certificate_chain'), /not anchored/);
    // an issuer the certificate does not bear
    const renamed = { ...copy(), issuer: { ...evidence.issuer, subject: 'CN=Someone Else' } };
    const forgedJws = await signEvidence({ ...renamed, issuer: evidence.issuer }, { privateKey: SEAL.sealKeyPem, certificateChainDer: CHAIN });
    assert.equal(
      detail(await verify(renamed, forgedJws), 'certificate_chain'),
      "evidence.issuer.subject is not the seal certificate's (O=Testigo, CN=Testigo Development Seal)",
    );
  });

  it('another version: evidence_version (this verifier reads version 1 only)', async () => {
    const result = await verify({ ...copy(), version: 2 } as unknown as Evidence);
    failed(result, 'evidence_version', 'jws_payload_matches_evidence');
    assert.equal(detail(result, 'evidence_version'), 'version 2 is not 1, the one this verifier reads');
  });

  it('never throws on garbage: a malformed JWS or evidence fails the checks that read them', async () => {
    for (const bad of ['', 'not-a-jws', 'a.b', '!!.??.**', `${Buffer.from('[1]').toString('base64url')}.e30.AA`]) {
      const result = await verify(evidence, bad);
      assert.equal(result.valid, false, bad);
      for (const name of ['jws_signature', 'jws_payload_matches_evidence', 'certificate_chain'] as const) {
        assert.equal(result.checks.find((c) => c.name === name)!.ok, false, `${bad}: ${name}`);
      }
    }
    const broken = await verify({ ...copy(), events: 'nope' } as unknown as Evidence);
    assert.equal(broken.valid, false);
    assert.deepEqual(
      broken.checks.filter((c) => !c.ok).map((c) => c.name),
      ['jws_payload_matches_evidence', 'hash_chain', 'event_order', 'documents_sealed'],
    );
    // alg "none" or another typ is not ours
    const [, p, s] = jws.split('.');
    const header = (h: object) => Buffer.from(JSON.stringify(h)).toString('base64url');
    const kid = JWKS.keys[0].kid;
    assert.match(detail(await verify(evidence, `${header({ alg: 'none', typ: 'testigo-evidence+jws', kid })}.${p}.`), 'jws_signature'), /alg is "none"/);
    assert.match(detail(await verify(evidence, `${header({ alg: 'ES256', typ: 'JWT', kid })}.${p}.${s}`), 'jws_signature'), /typ is "JWT"/);
  });

  it('refuses to sign what nobody could verify: another curve, a chain for another key, an issuer the chain does not bear', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    await assert.rejects(signEvidence(evidence, { privateKey: rsa, certificateChainDer: CHAIN }), /ECDSA P-256/);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    await assert.rejects(signEvidence(evidence, { privateKey: p384, certificateChainDer: CHAIN }), /ECDSA P-256/);
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    await assert.rejects(signEvidence(evidence, { privateKey: stranger, certificateChainDer: CHAIN }), /not the signing key's/);
    await assert.rejects(signEvidence(evidence, { privateKey: SEAL.sealKeyPem, certificateChainDer: [] }), /chain is empty/);
    await assert.rejects(
      signEvidence(
        { ...copy(), issuer: { subject: 'CN=Testigo Development Seal', certificateSha256: sha('x') } },
        { privateKey: SEAL.sealKeyPem, certificateChainDer: CHAIN },
      ),
      /evidence.issuer must be/,
    );
  });
});

describe('evidence: RFC 3161 timestamp over the chain head', function () {
  this.timeout(30_000);
  let tsa: TestTsa;
  let dir: string;
  let evidence: Evidence;
  let token: Uint8Array;

  const sign = (e: Evidence) => signEvidence(e, { privateKey: SEAL.sealKeyPem, certificateChainDer: CHAIN });
  const verify = async (e: Evidence, trustedTsaCaPems: string[] = [tsa.caPem]) =>
    verifyEvidence({ evidence: e, jws: await sign(e) }, { jwks: JWKS, trustedCaPem: SEAL.caPem, trustedTsaCaPems });
  const check = (result: VerificationResult) => result.checks.find((c) => c.name === 'chain_timestamp')!;
  /** only chain_timestamp failed (the JWS is re-signed over every edit, so the signature checks pass) */
  const onlyTimestampFails = (result: VerificationResult) => {
    assert.deepEqual(
      result.checks.filter((c) => !c.ok).map((c) => c.name),
      ['chain_timestamp'],
    );
    return check(result).detail;
  };

  before(async () => {
    await loadSeal();
    tsa = await startTestTsa();
    dir = mkdtempSync(path.join(os.tmpdir(), 'testigo-evidence-tsa-'));
    const built = buildEvidence({ ...sourceFor(SEAL, PROCESS_ID, recent(completedState())), issuedAt: new Date().toISOString() });
    assert.equal(built.timestamp, null, 'built without one');
    token = await requestTimestamp(tsa.url, timestampImprint(built.events.at(-1)!.hash));
    evidence = withTimestamp(built, token, new Date().toISOString());
  });
  after(async () => {
    await tsa?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('puts the token into the evidence, over the chain head, and the JWS signs it; every check passes', async () => {
    const head = evidence.events.at(-1)!.hash;
    assert.equal(evidence.timestamp!.imprint, head);
    assert.equal(evidence.timestamp!.tsa, 'O=Testigo Tests, CN=Test TSA');
    assert.match(evidence.timestamp!.policy, /^1\.3\.6\.1\.4\.1\.55555\.1\.1$/);
    assert.ok(Date.parse(evidence.timestamp!.genTime) <= Date.parse(evidence.issuedAt) + 1000, 'issued once the token is in');
    const result = await verify(evidence);
    assert.equal(result.valid, true, JSON.stringify(result.checks));
    assert.match(
      check(result).detail,
      new RegExp(
        `^RFC 3161 token of O=Testigo Tests, CN=Test TSA \\(serial ${evidence.timestamp!.serialNumber}\\) over the chain head at ${evidence.timestamp!.genTime}; signature valid; chains to O=Testigo Tests, CN=Test TSA Root$`,
      ),
    );
    // the JWS payload holds the token: removing it is tampering like any other
    const jws = await sign(evidence);
    const stripped = await verifyEvidence({ evidence: { ...evidence, timestamp: null }, jws }, { jwks: JWKS, trustedCaPem: SEAL.caPem });
    assert.deepEqual(
      stripped.checks.filter((c) => !c.ok).map((c) => c.name),
      ['jws_payload_matches_evidence'],
    );
    // without trusted TSA CAs the token is checked all the same, and says it is not anchored
    assert.match(check(await verify(evidence, [])).detail, /signature valid; not anchored \(no trusted TSA CA given\)$/);
  });

  it('is what a judge checks with OpenSSL alone: openssl ts -verify -digest <chain head>', () => {
    writeFileSync(path.join(dir, 'timestamp.tst'), Buffer.from(evidence.timestamp!.timeStampToken, 'base64'));
    const args = (digest: string) => ['ts', '-verify', '-token_in', '-in', path.join(dir, 'timestamp.tst'), '-digest', digest, '-CAfile', tsa.caPath];
    assert.match(execFileSync('openssl', args(evidence.events.at(-1)!.hash), { stdio: 'pipe' }).toString(), /Verification: OK/);
    assert.throws(() => execFileSync('openssl', args(evidence.events.at(-2)!.hash), { stdio: 'pipe' }));
  });

  it('without a timestamp (TSA_URL not set): passes, saying so', async () => {
    const result = await verify({ ...evidence, timestamp: null });
    assert.equal(result.valid, true);
    assert.equal(check(result).detail, 'no timestamp (TSA_URL not set)');
    // evidence issued before the member existed reads the same
    const { timestamp: _t, ...older } = evidence;
    assert.equal(check(await verify(older as Evidence)).detail, 'no timestamp (TSA_URL not set)');
  });

  it('a token over another head: chain_timestamp names both', async () => {
    const other = await requestTimestamp(tsa.url, timestampImprint(sha('another chain')));
    assert.throws(() => withTimestamp(evidence, other, evidence.issuedAt), /not over this evidence’s chain head/);
    const swapped = { ...evidence, timestamp: { ...evidence.timestamp!, timeStampToken: Buffer.from(other).toString('base64') } };
    assert.equal(
      onlyTimestampFails(await verify(swapped)),
      `the token time-stamps ${sha('another chain')}, not the chain head ${evidence.events.at(-1)!.hash}`,
    );
    // the token of this head on an evidence with one more event (a chain extended after the time-stamp)
    const events = evidence.events.map(({ seq: _s, hash: _h, prevHash: _p, ...rest }) => rest);
    const extended = { ...evidence, events: chainEvents([...events, { ...events.at(-1)!, at: new Date().toISOString() } as UnchainedEvidenceEvent]) };
    assert.match(onlyTimestampFails(await verify(extended)), /^the token time-stamps [0-9a-f]{64}, not the chain head [0-9a-f]{64}$/);
  });

  it('a token whose signature was tampered with, or an authority the verifier does not trust: chain_timestamp', async () => {
    const bytes = Buffer.from(token);
    const bad = Buffer.from(bytes);
    bad[bad.length - 5] ^= 0x01; // inside the ECDSA signature, the SignerInfo's last field
    const tampered = { ...evidence, timestamp: { ...evidence.timestamp!, timeStampToken: bad.toString('base64') } };
    assert.equal(onlyTimestampFails(await verify(tampered)), "the token's signature does not verify with its certificate (O=Testigo Tests, CN=Test TSA)");
    assert.equal(onlyTimestampFails(await verify(evidence, [SEAL.caPem])), 'O=Testigo Tests, CN=Test TSA does not chain to a trusted TSA CA');
    const garbage = { ...evidence, timestamp: { ...evidence.timestamp!, timeStampToken: Buffer.from('not a token').toString('base64') } };
    assert.equal(onlyTimestampFails(await verify(garbage)), 'the time-stamp token is not DER');
  });

  it('what the evidence says about the token must be what the token says; genTime must fall between the last event and issuedAt', async () => {
    const claims = (patch: Partial<EvidenceTimestamp>) => ({ ...evidence, timestamp: { ...evidence.timestamp!, ...patch } });
    assert.match(onlyTimestampFails(await verify(claims({ genTime: '2026-01-01T00:00:00.000Z' }))), /^timestamp\.genTime is not the token's \(.+\)$/);
    assert.match(onlyTimestampFails(await verify(claims({ tsa: 'CN=Qualified TSA' }))), /^timestamp\.tsa is not the token's \(O=Testigo Tests, CN=Test TSA\)$/);
    assert.match(onlyTimestampFails(await verify(claims({ serialNumber: 'ff' }))), /^timestamp\.serialNumber is not the token's/);
    const early = { ...evidence, issuedAt: new Date(Date.parse(evidence.timestamp!.genTime) - 3600_000).toISOString() };
    assert.match(onlyTimestampFails(await verify(early)), /^genTime .+ is after issuedAt/);
  });
});
