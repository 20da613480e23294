// Verifies evidence and its JWS, offline, with separately named checks so that a failure says what failed:
// the API's POST /v1/evidence/verify, the public page and `testigo verify` all answer with this.
//
// Pure and deterministic: no clock (certificates are judged at the evidence's `issuedAt`), no network, no
// configuration; the JWKS and the trusted CA are arguments. It never throws on bad input — anything a
// check cannot read is that check failing — and a detail never repeats a value that looked like a secret.
// The ES256 signature is checked with node:crypto, not node-jose: a second implementation beside the
// signer's, and one that cannot be talked into another algorithm.
import { createPublicKey, verify as verifySignature, X509Certificate } from 'node:crypto';
import { canonicalBytes } from './canonical';
import { eventHash, GENESIS_HASH } from './chain';
import { EVIDENCE_JWS_ALG, EVIDENCE_JWS_TYPE, issuerOf, jwkThumbprint, type Jwks } from './jws';
import { EVIDENCE_VERSION, type Evidence, type EvidenceEvent } from './model';
import { checkCertificatePath } from './x509-chain';
import { checkTimestamp } from './timestamp';

export type CheckName =
  | 'evidence_version'
  | 'jws_signature'
  | 'jws_payload_matches_evidence'
  | 'hash_chain'
  | 'event_order'
  | 'documents_sealed'
  | 'certificate_chain'
  | 'chain_timestamp'
  | 'no_secrets';

export interface Check {
  name: CheckName;
  ok: boolean;
  detail: string;
}

export interface VerificationResult {
  valid: boolean;
  checks: Check[];
}

export interface VerifyOptions {
  jwks: Jwks;
  /** the CA the seal certificate must chain to (PEM); without it the chain is checked for consistency only */
  trustedCaPem?: string;
  /** the CAs a time-stamping authority's certificate may chain to (PEM); without them the token's chain is checked for consistency only */
  trustedTsaCaPems?: readonly string[];
}

interface ParsedJws {
  header: Record<string, unknown>;
  signingInput: Buffer;
  payload: Buffer;
  signature: Buffer;
}

/** Runs every check; `valid` only when all pass. */
export async function verifyEvidence({ evidence, jws }: { evidence: Evidence; jws: string }, options: VerifyOptions): Promise<VerificationResult> {
  let parsed: ParsedJws | Error;
  try {
    parsed = parseCompactJws(jws);
  } catch (error) {
    parsed = error as Error;
  }
  const checks: Check[] = [
    run('evidence_version', () => checkVersion(evidence)),
    run('jws_signature', () => checkSignature(parsed, options.jwks)),
    run('jws_payload_matches_evidence', () => checkPayload(parsed, evidence)),
    run('hash_chain', () => checkChain(evidence)),
    run('event_order', () => checkOrder(evidence)),
    run('documents_sealed', () => checkDocuments(evidence)),
    run('certificate_chain', () => checkCertificates(parsed, evidence, options.trustedCaPem)),
    await runAsync('chain_timestamp', () => checkTimestamp(evidence, options.trustedTsaCaPems)),
    run('no_secrets', () => checkSecrets(evidence)),
  ];
  return { valid: checks.every((c) => c.ok), checks };
}

type Outcome = { ok: boolean; detail: string };
const pass = (detail: string): Outcome => ({ ok: true, detail });
const fail = (detail: string): Outcome => ({ ok: false, detail });

function run(name: CheckName, check: () => Outcome): Check {
  try {
    return { name, ...check() };
  } catch (error) {
    return { name, ok: false, detail: `unreadable: ${(error as Error).message}` };
  }
}

async function runAsync(name: CheckName, check: () => Promise<Outcome>): Promise<Check> {
  try {
    return { name, ...(await check()) };
  } catch (error) {
    return { name, ok: false, detail: `unreadable: ${(error as Error).message}` };
  }
}

/** Every other check reads the document as this version defines it: another version needs its own verifier. */
function checkVersion(evidence: Evidence): Outcome {
  const version = (evidence as { version?: unknown } | null)?.version;
  return version === EVIDENCE_VERSION
    ? pass(`version ${EVIDENCE_VERSION}`)
    : fail(`version ${JSON.stringify(version)} is not ${EVIDENCE_VERSION}, the one this verifier reads`);
}

function parseCompactJws(jws: string): ParsedJws {
  if (typeof jws !== 'string') throw new Error('the JWS is not a string');
  const parts = jws.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) throw new Error('not a compact JWS (three base64url parts)');
  const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as unknown;
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new Error('the JWS header is not a JSON object');
  return {
    header: header as Record<string, unknown>,
    signingInput: Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii'),
    payload: Buffer.from(parts[1], 'base64url'),
    signature: Buffer.from(parts[2], 'base64url'),
  };
}

function checkSignature(jws: ParsedJws | Error, jwks: Jwks): Outcome {
  if (jws instanceof Error) return fail(jws.message);
  const { alg, typ, kid, crit } = jws.header;
  if (alg !== EVIDENCE_JWS_ALG) return fail(`alg is ${JSON.stringify(alg)}, not ${EVIDENCE_JWS_ALG}`);
  if (typ !== EVIDENCE_JWS_TYPE) return fail(`typ is ${JSON.stringify(typ)}, not ${EVIDENCE_JWS_TYPE}`);
  // RFC 7515 §4.1.11: a critical extension we do not understand makes the JWS invalid.
  if (crit !== undefined) return fail('the header has critical extensions this verifier does not know');
  const jwk = jwks?.keys?.find((k) => k.kid === kid);
  if (!jwk) return fail(`kid ${JSON.stringify(kid)} is not in the JWKS`);
  const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
  // ES256 signatures are r || s, 32 bytes each (RFC 7518 §3.4), not DER.
  if (jws.signature.length !== 64) return fail(`the signature has ${jws.signature.length} bytes, not 64`);
  const ok = verifySignature('sha256', jws.signingInput, { key, dsaEncoding: 'ieee-p1363' }, jws.signature);
  return ok ? pass(`ES256 signature valid for kid ${kid}`) : fail(`the signature does not verify with kid ${kid}`);
}

function checkPayload(jws: ParsedJws | Error, evidence: Evidence): Outcome {
  if (jws instanceof Error) return fail(jws.message);
  const expected = Buffer.from(canonicalBytes(evidence));
  if (expected.equals(jws.payload)) return pass(`the JWS signs these ${expected.length} canonical bytes`);
  // Say where they differ, so that a reader knows what was changed or which evidence the JWS belongs to.
  let signed: Record<string, unknown>;
  try {
    signed = JSON.parse(jws.payload.toString('utf8')) as Record<string, unknown>;
  } catch {
    return fail('the JWS payload is not JSON');
  }
  const keys = [...new Set([...Object.keys(signed ?? {}), ...Object.keys(evidence)])].sort();
  const same = (a: unknown, b: unknown) => a !== undefined && b !== undefined && Buffer.from(canonicalBytes(a)).equals(Buffer.from(canonicalBytes(b)));
  const differing = keys.filter((k) => !same(signed?.[k], (evidence as unknown as Record<string, unknown>)[k]));
  return fail(`the JWS signs other evidence (differs in: ${differing.join(', ') || 'serialisation'})`);
}

function checkChain(evidence: Evidence): Outcome {
  const events = evidence.events;
  if (!Array.isArray(events) || events.length === 0) return fail('no events');
  let prevHash = GENESIS_HASH;
  for (const [index, event] of events.entries()) {
    const where = `seq ${String(event?.seq)} (position ${index + 1})`;
    if (event.prevHash !== prevHash) return fail(`${where}: prevHash does not link to the ${index === 0 ? 'genesis hash' : 'previous event'}`);
    if (eventHash(event) !== event.hash) return fail(`${where}: hash does not match the event's content`);
    prevHash = event.hash;
  }
  return pass(`${events.length} events linked, head ${prevHash}`);
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

function checkOrder(evidence: Evidence): Outcome {
  const events = evidence.events;
  if (!Array.isArray(events) || events.length === 0) return fail('no events');
  let last = -Infinity;
  for (const [index, event] of events.entries()) {
    if (event.seq !== index + 1) return fail(`position ${index + 1} has seq ${String(event.seq)}`);
    const at = ISO_UTC.test(event.at) ? Date.parse(event.at) : NaN;
    if (!Number.isFinite(at)) return fail(`seq ${event.seq}: at is not an ISO 8601 UTC time`);
    if (at < last) return fail(`seq ${event.seq}: at ${event.at} is before the previous event's`);
    last = at;
  }
  return pass(`seq 1..${events.length}, times non-decreasing`);
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Every document's hashes are well formed and agree with the events that handled it (documents.sent,
 * document.sealed); on a completed process every document was sealed, once.
 */
function checkDocuments(evidence: Evidence): Outcome {
  const documents = evidence.documents;
  if (!Array.isArray(documents) || documents.length === 0) return fail('no documents');
  const byId = new Map(documents.map((d) => [d.id, d]));
  if (byId.size !== documents.length) return fail('two documents share an id');
  for (const d of documents) {
    if (!HEX64.test(d.sha256)) return fail(`document ${d.id}: sha256 is not a SHA-256`);
    if (d.signedSha256 !== null && !HEX64.test(d.signedSha256)) return fail(`document ${d.id}: signedSha256 is not a SHA-256`);
  }
  const sealed = new Map<string, Extract<EvidenceEvent, { type: 'document.sealed' }>>();
  for (const event of evidence.events) {
    if (event.type === 'documents.sent') {
      for (const sent of event.detail.documents) {
        if (byId.get(sent.id)?.sha256 !== sent.sha256) return fail(`seq ${event.seq}: sent document ${sent.id} does not match the documents' sha256`);
      }
    }
    if (event.type === 'document.sealed') {
      const d = byId.get(event.detail.documentId);
      if (!d) return fail(`seq ${event.seq}: sealed an unknown document ${event.detail.documentId}`);
      if (sealed.has(d.id)) return fail(`seq ${event.seq}: document ${d.id} sealed twice`);
      if (event.detail.sha256 !== d.sha256 || event.detail.signedSha256 !== d.signedSha256) {
        return fail(`seq ${event.seq}: the sealed hashes of ${d.id} do not match the document's`);
      }
      sealed.set(d.id, event);
    }
  }
  for (const d of documents) {
    if (d.signedSha256 !== null && !sealed.has(d.id)) return fail(`document ${d.id} has a signedSha256 but no document.sealed event`);
  }
  if (evidence.process?.status !== 'completed') return pass(`process ${String(evidence.process?.status)}: ${sealed.size} of ${documents.length} sealed`);
  const unsealed = documents.filter((d) => !sealed.has(d.id));
  if (unsealed.length > 0) return fail(`completed, but not sealed: ${unsealed.map((d) => d.id).join(', ')}`);
  return pass(`all ${documents.length} documents sealed (${[...sealed.values()].map((e) => e.detail.level).join(', ')})`);
}

/**
 * The signed header's x5c certifies the signing key, names the issuer the evidence states, links up
 * (each certificate issued and signed by the next), is valid at `issuedAt`, and ends at the trusted CA.
 */
function checkCertificates(jws: ParsedJws | Error, evidence: Evidence, trustedCaPem?: string): Outcome {
  if (jws instanceof Error) return fail(jws.message);
  const { x5c, kid } = jws.header;
  if (!Array.isArray(x5c) || x5c.length === 0 || !x5c.every((c) => typeof c === 'string')) return fail('the JWS header has no x5c chain');
  const ders = x5c.map((c: string) => Buffer.from(c, 'base64'));
  const chain = ders.map((der) => new X509Certificate(der));
  if (jwkThumbprint(chain[0].publicKey) !== kid) return fail("the first certificate is not the signing key's (kid)");
  const issuer = issuerOf(ders[0]);
  if (evidence.issuer?.certificateSha256 !== issuer.certificateSha256) return fail("evidence.issuer.certificateSha256 is not the seal certificate's");
  if (evidence.issuer.subject !== issuer.subject) return fail(`evidence.issuer.subject is not the seal certificate's (${issuer.subject})`);
  return checkCertificatePath(chain, Date.parse(evidence.issuedAt), trustedCaPem, 'issuedAt');
}

/** Keys whose values must never look like a one-time code (4–10 digits, spaces and dashes ignored). */
const CODE_KEYS = new Set(['code', 'otp', 'otpcode', 'pin', 'verificationcode']);
/** Keys that must never hold a string at all. */
const SECRET_KEYS = new Set(['token', 'apikey', 'accesstoken', 'authtoken', 'secret', 'password']);
/** Secrets that are recognisable wherever they are: our API keys and the click-to-chat opt-in tokens. */
const SECRET_VALUES: Array<[RegExp, string]> = [
  [/\btsk_[A-Za-z0-9_-]{16,}/, 'an API key'],
  [/\bTG-[0-9A-HJKMNP-TV-Z]{8}\b/, 'an opt-in token'],
];

function checkSecrets(evidence: Evidence): Outcome {
  const found: string[] = [];
  const visit = (value: unknown, path: string, key: string) => {
    const normalised = key.toLowerCase().replace(/[^a-z0-9]/g, '');
    if (typeof value === 'string' || typeof value === 'number') {
      const text = String(value);
      if (CODE_KEYS.has(normalised) && /^\d{4,10}$/.test(text.replace(/[\s-]/g, ''))) found.push(`${path} looks like a code`);
      else if (SECRET_KEYS.has(normalised) && typeof value === 'string' && value !== '') found.push(`${path} holds a ${key}`);
      else for (const [pattern, what] of SECRET_VALUES) if (typeof value === 'string' && pattern.test(value)) found.push(`${path} holds ${what}`);
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${path}[${index}]`, key));
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) visit(v, `${path}.${k}`, k);
    }
  };
  visit(evidence, 'evidence', '');
  // The value itself stays out of the detail: a verification report is not a place to repeat a secret.
  return found.length === 0 ? pass('no code, token or key found') : fail(found.join('; '));
}
