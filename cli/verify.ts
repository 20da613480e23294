// `testigo verify FILE`: a certificate PDF, a sealed document PDF or an evidence record {evidence, jws}, verified
// offline with the same pure code the API runs (evidence/verify-pdf.ts, evidence/verify.ts). No network, ever: the
// CA and the JWKS come from files (--ca, --jwks) or, for the key, from the certificates the JWS itself carries.
//
// Exit status: 0 valid and anchored to the CA given with --ca; 1 a check failed; 2 usage or an unreadable input;
// 3 every check passed but no --ca was given. Without a trusted CA the checks prove only that the file is consistent
// with the certificates it carries — which anyone with a CA of their own can achieve — so an unanchored run is not
// reported as valid (neither in words nor as exit status 0) to a reader or a script.
import { createHash, X509Certificate } from 'node:crypto';
import type { Jwks } from '../evidence/jws';
import type { Evidence } from '../evidence/model';
import type { EvidenceRecord, PdfCheck } from '../evidence/verify-pdf';
import { oneLine } from '../evidence/x509-chain';
import { EXIT, parse, processId, UsageError } from './args';
import { readInput } from './files';
import { VERIFY_HELP } from './help';
import { bold, FAIL, green, json, OK, out, red, table, WARN, wrap, yellow } from './output';

interface Anchor {
  subject: string;
  fingerprint256: string;
}

export interface VerifyResult {
  file: string;
  kind: 'certificate' | 'sealed_document' | 'evidence' | 'unreadable';
  sha256: string;
  processId: string | null;
  valid: boolean;
  /** a trusted CA was given (--ca) */
  anchored: boolean;
  verdict: 'valid' | 'invalid' | 'not_anchored';
  checks: PdfCheck[];
  trustedCa: Anchor | null;
  /** the top certificate of the chain the file's JWS carries (what --ca must be, or issue) */
  chainTop: (Anchor & { issuer: string; selfSigned: boolean }) | null;
}

export async function verifyCommand(args: string[]): Promise<number> {
  const C = 'verify';
  const { values, positionals } = parse(C, args, {
    ca: { type: 'string' },
    'tsa-ca': { type: 'string', multiple: true },
    jwks: { type: 'string' },
    process: { type: 'string' },
    evidence: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    out(VERIFY_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `one FILE at a time (got ${positionals.length})` : 'FILE is required', C);
  const file = positionals[0];
  const expectedProcessId = values.process === undefined ? undefined : processId(values.process, C, '--process');

  const bytes = readInput(file, 'FILE', C);
  const pdf = isPdf(bytes);
  const fileRecord = pdf ? undefined : parseRecord(bytes);
  if (!pdf && !fileRecord) throw new UsageError(`${file} is neither a PDF nor an evidence record (JSON {evidence, jws})`, C);
  const trustedCaPem = values.ca === undefined ? undefined : readCa(values.ca);
  const tsaFiles = (values['tsa-ca'] as string[] | undefined) ?? [];
  const trustedTsaCaPems = tsaFiles.length > 0 ? tsaFiles.map((f) => readCa(f, '--tsa-ca')) : undefined;
  const jwks = values.jwks === undefined ? undefined : readJwks(values.jwks);
  // the PDF and X.509 libraries, once the arguments are known to be usable: usage errors answer at once
  const { verifyEvidence, jwksFromJws, verifyPdf } = await verifiers();
  const evidenceRecord = values.evidence === undefined ? undefined : await readEvidence(values.evidence);
  const notes: string[] = [];

  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let result: Omit<VerifyResult, 'anchored' | 'verdict' | 'trustedCa' | 'chainTop'>;
  let jws: string | undefined;
  if (pdf) {
    const verification = await verifyPdf(new Uint8Array(bytes), {
      jwks,
      trustedCaPem,
      trustedTsaCaPems,
      expectedProcessId,
      evidenceFor: evidenceRecord ? async () => evidenceRecord : undefined,
    });
    result = { file, kind: verification.kind, sha256, processId: verification.processId, valid: verification.valid, checks: verification.checks };
    if (verification.kind === 'certificate') {
      jws = (await certificateRecord(bytes))?.jws;
      if (evidenceRecord) notes.push('--evidence was not used: a certificate carries its own evidence.');
    } else if (verification.kind === 'sealed_document') {
      jws = evidenceRecord?.jws;
      if (!evidenceRecord) {
        notes.push(
          'This sealed document was checked on its own: its seal, not which process it belongs to. Add --evidence with the ' +
            "process's certificate (or evidence JSON) to check that its evidence lists this very file.",
        );
      }
    }
  } else {
    const record = fileRecord!;
    if (evidenceRecord) notes.push('--evidence was not used: FILE is itself an evidence record.');
    jws = record.jws;
    const verification = await verifyEvidence(record, { jwks: jwks ?? jwksFromJws(record.jws), trustedCaPem, trustedTsaCaPems });
    const actual = typeof record.evidence.process?.id === 'string' ? record.evidence.process.id : null;
    const checks: PdfCheck[] = [...verification.checks];
    if (expectedProcessId !== undefined) {
      checks.push(
        actual === expectedProcessId
          ? { name: 'process_matches', ok: true, detail: `belongs to process ${expectedProcessId}` }
          : { name: 'process_matches', ok: false, detail: `belongs to process ${actual}, not ${expectedProcessId}` },
      );
    }
    result = { file, kind: 'evidence', sha256, processId: actual, valid: checks.every((c) => c.ok), checks };
  }

  const anchored = trustedCaPem !== undefined;
  const verdict = !result.valid ? 'invalid' : anchored ? 'valid' : 'not_anchored';
  const full: VerifyResult = {
    ...result,
    anchored,
    verdict,
    trustedCa: trustedCaPem ? anchorOf(new X509Certificate(trustedCaPem)) : null,
    chainTop: jws ? chainTopOf(jws) : null,
  };
  if (values.json) json({ ...full, jwks: values.jwks ? 'file' : 'x5c', notes });
  else print(full, { jwksFile: values.jwks, caFile: values.ca, notes });
  return verdict === 'valid' ? EXIT.ok : verdict === 'invalid' ? EXIT.failed : EXIT.unanchored;
}

function print(result: VerifyResult, { jwksFile, caFile, notes }: { jwksFile?: string; caFile?: string; notes: string[] }) {
  const sealed = result.checks.some((c) => c.name === 'pdf_seal' && c.ok);
  const what = {
    certificate: 'evidence certificate',
    // verifyPdf calls every PDF without attached evidence a sealed document, sealed or not
    sealed_document: sealed ? 'sealed document' : 'PDF without attached evidence, checked as a sealed document',
    evidence: 'evidence record',
    unreadable: 'unreadable',
  }[result.kind];
  table([
    ['file', `${result.file} (${what})`],
    ['sha256', result.sha256],
    ['process', result.processId ?? '—'],
    ['trusted CA', result.trustedCa ? `${caFile}: ${result.trustedCa.subject} (SHA-256 ${result.trustedCa.fingerprint256})` : 'none (no --ca)'],
    ['key', jwksFile ? `${jwksFile} (--jwks)` : "the JWS's own certificate chain (x5c)"],
  ]);
  out();
  for (const check of result.checks) out(`${check.ok ? green(OK) : red(FAIL)} ${check.name}: ${check.detail}`);
  out();
  for (const note of notes) out(`note: ${wrap(note, 6)}`);
  if (!result.anchored && result.verdict === 'invalid') {
    out(`note: no --ca given: the certificate chains were checked for consistency only (not anchored).`);
  } else if (!result.anchored) {
    const top = result.chainTop
      ? ` The chain the file carries ends at ${result.chainTop.subject} (SHA-256 ${result.chainTop.fingerprint256})` +
        (result.chainTop.selfSigned ? '.' : `, issued by ${result.chainTop.issuer}.`)
      : '';
    const where = `${(process.env.TESTIGO_URL?.trim() || 'https://<testigo host>').replace(/\/+$/, '')}/.well-known/testigo-ca.pem`;
    const text =
      `${WARN} NOT ANCHORED: no trusted CA was given (--ca), so the certificate chains were checked for consistency only, ` +
      'and a forger with a CA of their own could make a file that passes every check above.' +
      top +
      ` Get the deployment's CA from ${where} (or \`testigo ca\`), compare its fingerprint with one you trust, and run ` +
      'again with --ca testigo-ca.pem.';
    out(yellow(wrap(text, 2)));
  }
  const tsa = result.checks.filter((c) => c.ok && /not anchored \(no trusted TSA CA given\)/.test(c.detail));
  if (result.anchored && tsa.length)
    out(`note: ${wrap(`the time-stamp authority's chain is not anchored (${tsa.map((c) => c.name).join(', ')}): judge the authority the detail names.`, 6)}`);
  const failed = result.checks.filter((c) => !c.ok);
  if (result.verdict === 'invalid')
    out(bold(red(`INVALID: ${failed.length} of ${result.checks.length} checks failed: ${failed.map((c) => c.name).join(', ')}`)));
  else if (result.verdict === 'valid') {
    const of = result.processId ? ` of process ${result.processId}` : '';
    out(bold(green(`VALID: ${what}${of}; all ${result.checks.length} checks passed, anchored to ${result.trustedCa!.subject}`)));
  } else out(bold(yellow(`NOT VERIFIED: all ${result.checks.length} checks passed, but nothing anchors them to a trusted CA (give --ca)`)));
}

/** The verifiers and the PDF library, loaded on first use. */
async function verifiers() {
  const [{ PDF }, { verifyEvidence }, { EVIDENCE_ATTACHMENT, JWS_ATTACHMENT, jwksFromJws, verifyPdf }] = await Promise.all([
    import('@libpdf/core'),
    import('../evidence/verify'),
    import('../evidence/verify-pdf'),
  ]);
  return { PDF, verifyEvidence, EVIDENCE_ATTACHMENT, JWS_ATTACHMENT, jwksFromJws, verifyPdf };
}

/** A PDF starts with %PDF- within its first kilobyte (readers tolerate a little junk before it). */
function isPdf(bytes: Buffer): boolean {
  return bytes.subarray(0, 1024).includes('%PDF-', 0, 'latin1');
}

function parseRecord(bytes: Buffer): EvidenceRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { evidence, jws } = value as { evidence?: unknown; jws?: unknown };
  if (!evidence || typeof evidence !== 'object' || Array.isArray(evidence) || typeof jws !== 'string') return undefined;
  return { evidence: evidence as Evidence, jws: jws.trim() };
}

/** The record a certificate carries as its two attachments, if it does. */
async function certificateRecord(bytes: Uint8Array): Promise<EvidenceRecord | undefined> {
  const { PDF, EVIDENCE_ATTACHMENT, JWS_ATTACHMENT } = await verifiers();
  try {
    const pdf = await PDF.load(new Uint8Array(bytes));
    const evidence = pdf.getAttachment(EVIDENCE_ATTACHMENT);
    const jws = pdf.getAttachment(JWS_ATTACHMENT);
    if (!evidence || !jws) return undefined;
    return { evidence: JSON.parse(Buffer.from(evidence).toString('utf8')) as Evidence, jws: Buffer.from(jws).toString('ascii').trim() };
  } catch {
    return undefined;
  }
}

/** --evidence: a certificate PDF (its attachments) or an evidence record JSON. */
async function readEvidence(file: string): Promise<EvidenceRecord> {
  const bytes = readInput(file, '--evidence', 'verify');
  const record = isPdf(bytes) ? await certificateRecord(bytes) : parseRecord(bytes);
  if (!record) {
    throw new UsageError(
      `--evidence ${file} is not ${isPdf(bytes) ? 'an evidence certificate (no readable evidence.json and evidence.jws attached)' : 'an evidence record (JSON {evidence, jws})'}`,
      'verify',
    );
  }
  return record;
}

function readCa(file: string, option = '--ca'): string {
  const pem = readInput(file, option, 'verify').toString('utf8');
  try {
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no PEM certificate in it');
    new X509Certificate(pem);
  } catch (error) {
    throw new UsageError(`${option} ${file} is not a PEM certificate (${(error as Error).message})`, 'verify');
  }
  return pem;
}

function readJwks(file: string): Jwks {
  const text = readInput(file, '--jwks', 'verify').toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`--jwks ${file} is not JSON`, 'verify');
  }
  if (!value || typeof value !== 'object' || !Array.isArray((value as Jwks).keys))
    throw new UsageError(`--jwks ${file} is not a JWK Set ({"keys": [...]})`, 'verify');
  return value as Jwks;
}

const anchorOf = (certificate: X509Certificate): Anchor => ({ subject: oneLine(certificate.subject), fingerprint256: certificate.fingerprint256 });

function chainTopOf(jws: string): VerifyResult['chainTop'] {
  try {
    const header = JSON.parse(Buffer.from(jws.split('.')[0], 'base64url').toString('utf8')) as { x5c?: unknown };
    if (!Array.isArray(header.x5c) || header.x5c.length === 0 || typeof header.x5c.at(-1) !== 'string') return null;
    const top = new X509Certificate(Buffer.from(header.x5c.at(-1) as string, 'base64'));
    return { ...anchorOf(top), issuer: oneLine(top.issuer), selfSigned: top.issuer === top.subject && top.verify(top.publicKey) };
  } catch {
    return null;
  }
}
