// PAdES sealing (sealing/): every sealed PDF is checked by two independent validators, pdfsig (poppler) and
// pyHanko, against the seal's CA only; the CMS is parsed back to check what PAdES baseline requires.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promiseHooks } from 'node:v8';
import * as asn1js from 'asn1js';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import * as pkijs from 'pkijs';
import { loadSealIdentity, type SealIdentity, SealIdentityError, sealPdf, TimestampError } from '../../sealing';
import { OID } from '../../sealing/oids';
import { pdfsig, pyhankoBinary, pyhankoValidate } from '../support/pdf-validators';
import { startTestTsa, type TestTsa } from '../support/tsa';

async function makePdf(pages: number, useObjectStreams: boolean): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) doc.addPage().drawText(`Contrato de prueba - página ${i} de ${pages}`, { x: 50, y: 700, size: 14, font });
  return doc.save({ useObjectStreams });
}

/** The last signature dictionary's /SubFilter and its CMS, read back from the file. */
function lastSignature(pdf: Uint8Array): { subFilter: string; cms: pkijs.SignedData; der: Uint8Array } {
  const text = Buffer.from(pdf).toString('latin1');
  const at = text.lastIndexOf('/ByteRange [');
  const dict = text.slice(text.lastIndexOf('obj', at), text.indexOf('endobj', at));
  const subFilter = /\/SubFilter\s*\/([A-Za-z.]+)/.exec(dict)![1];
  const hex = /\/Contents\s*<([0-9A-Fa-f]+)>/.exec(dict)![1];
  const der = new Uint8Array(Buffer.from(hex, 'hex'));
  const parsed = asn1js.fromBER(der.slice().buffer);
  const contentInfo = new pkijs.ContentInfo({ schema: parsed.result });
  return { subFilter, cms: new pkijs.SignedData({ schema: contentInfo.content }), der };
}

function isPrefix(original: Uint8Array, sealed: Uint8Array): boolean {
  return sealed.length > original.length && Buffer.from(original).equals(Buffer.from(sealed.subarray(0, original.length)));
}

describe('sealing: PAdES seals validated by pdfsig and pyHanko', function () {
  this.timeout(120_000);
  let dir: string;
  let identity: SealIdentity;
  let caPath: string;
  let tsa: TestTsa;
  let n = 0;

  const write = (bytes: Uint8Array) => {
    const file = path.join(dir, `sealed-${++n}.pdf`);
    writeFileSync(file, bytes);
    return file;
  };

  /** Both validators, trusting only the given anchors: the strongest verdict each of them can give. */
  async function assertValid(bytes: Uint8Array, trust: string[], expectedSignatures = 1) {
    const file = write(bytes);
    const { status, pretty } = await pyhankoValidate(file, trust);
    const lines = status.output.split('\n').filter((l) => /^Seal\d+:/.test(l));
    assert.equal(lines.length, expectedSignatures, status.output);
    for (const line of lines) {
      assert.match(line, new RegExp(`:${identity.fingerprint}:INTACT:TRUSTED`), status.output);
    }
    assert.equal(status.code, 0, status.output);
    assert.equal(pretty.output.match(/The signature is judged VALID/g)?.length, expectedSignatures, pretty.output);
    const poppler = await pdfsig(file, trust);
    assert.equal(poppler.output.match(/Signature Validation: Signature is Valid\./g)?.length, expectedSignatures, poppler.output);
    assert.match(poppler.output, /Signature Type: ETSI\.CAdES\.detached/);
    // With several signatures, poppler 22's NSS check of the same certificate a second time in one run reports
    // "Unknown issue with Certificate" (pyHanko above trusts each one): the first must be trusted.
    if (poppler.trustChecked) assert.match(poppler.output, /Signature #1:[^#]*Certificate Validation: Certificate is Trusted\./, poppler.output);
    return { status: status.output, pretty: pretty.output, pdfsig: poppler.output };
  }

  before(async () => {
    pyhankoBinary(); // fails (never skips) with a message naming scripts/pdf-validators.sh
    dir = mkdtempSync(path.join(os.tmpdir(), 'testigo-sealing-'));
    identity = await loadSealIdentity({ dataDir: dir });
    caPath = path.join(dir, 'ca.pem');
    writeFileSync(caPath, identity.caPem);
    tsa = await startTestTsa();
  });
  after(async () => {
    await tsa?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [pages, objectStreams] of [
    [1, false],
    [1, true],
    [50, false],
    [50, true],
  ] as const) {
    it(`seals a ${pages}-page PDF with ${objectStreams ? 'xref/object streams' : 'a classic xref table'} (B-B) as an incremental update`, async () => {
      const original = await makePdf(pages, objectStreams);
      assert.equal(Buffer.from(original).includes('/Type /XRef'), objectStreams, 'the fixture has the intended xref kind');
      const sealed = await sealPdf(original, { identity, reason: 'Firma del proceso prc_test', location: 'Testigo', name: 'Testigo' });
      assert.ok(isPrefix(original, sealed), 'the original bytes are a prefix of the sealed file');

      const { subFilter, cms } = lastSignature(sealed);
      assert.equal(subFilter, 'ETSI.CAdES.detached');
      const signer = cms.signerInfos[0];
      const types = signer.signedAttrs!.attributes.map((a) => a.type);
      assert.ok(!types.includes(OID.signingTime), 'no CMS signing-time (PAdES puts the time in /M)');
      assert.deepEqual([...types].sort(), [OID.contentType, OID.messageDigest, OID.signingCertificateV2].sort());
      assert.equal(signer.unsignedAttrs, undefined, 'B-B: no timestamp');
      // signing-certificate-v2 names exactly the seal certificate (SHA-256 of its DER, the default hash)
      const scv2 = signer.signedAttrs!.attributes.find((a) => a.type === OID.signingCertificateV2)!.values[0] as asn1js.Sequence;
      const certHash = ((scv2.valueBlock.value[0] as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence).valueBlock.value[0] as asn1js.OctetString;
      assert.equal(Buffer.from(certHash.valueBlock.valueHexView).toString('hex'), identity.fingerprint);

      const text = Buffer.from(sealed.subarray(original.length)).toString('latin1');
      assert.match(text, /\/M \(D:\d{14}Z\)/);
      assert.match(text, /\/Reason \(Firma del proceso prc_test\)/);
      assert.match(text, /\/Rect \[0 0 0 0\]/, 'invisible signature field');
      await assertValid(sealed, [caPath]);
    });
  }

  it('appends a second seal to an already sealed PDF, keeping the first one intact', async () => {
    const original = await makePdf(2, true);
    const once = await sealPdf(original, { identity, reason: 'first', location: 'Testigo' });
    const twice = await sealPdf(once, { identity, reason: 'second', location: 'Testigo' });
    assert.ok(isPrefix(once, twice));
    const report = await assertValid(twice, [caPath], 2);
    assert.match(report.pretty, /compatible with the current document modification policy/);
  });

  it('a flipped byte in the signed range makes both validators reject the seal', async () => {
    const sealed = await sealPdf(await makePdf(1, false), { identity, reason: 'tamper test', location: 'Testigo' });
    const tampered = Buffer.from(sealed);
    // Byte 10 is in the header's binary comment line: the file still parses, only the signed bytes changed.
    tampered[10] ^= 0x01;
    const file = write(tampered);
    const { status, pretty } = await pyhankoValidate(file, [caPath]);
    assert.doesNotMatch(status.output, /INTACT/, status.output);
    assert.notEqual(status.code, 0);
    assert.doesNotMatch(pretty.output, /judged VALID/);
    const poppler = await pdfsig(file, [caPath]);
    assert.doesNotMatch(poppler.output, /Signature is Valid/, poppler.output);
    assert.match(poppler.output, /Signature Validation: (Digest Mismatch|Signature is Invalid)/, poppler.output);
  });

  it('B-T: an RFC 3161 token over the signature value, from the TSA, validated and trusted', async () => {
    const original = await makePdf(1, true);
    const before = tsa.requests;
    const sealed = await sealPdf(original, { identity, reason: 'B-T', location: 'Testigo', tsaUrl: tsa.url });
    assert.equal(tsa.requests, before + 1);
    assert.ok(isPrefix(original, sealed));
    const { cms } = lastSignature(sealed);
    const signer = cms.signerInfos[0];
    const token = signer.unsignedAttrs?.attributes.find((a) => a.type === OID.signatureTimeStampToken);
    assert.ok(token, 'signature-time-stamp unsigned attribute');
    // the token's imprint is the SHA-256 of this signature's value
    const tst = new pkijs.SignedData({ schema: new pkijs.ContentInfo({ schema: token.values[0] }).content });
    const info = pkijs.TSTInfo.fromBER(tst.encapContentInfo.eContent!.getValue());
    const expected = createHash('sha256').update(signer.signature.valueBlock.valueHexView).digest('hex');
    assert.equal(Buffer.from(info.messageImprint.hashedMessage.valueBlock.valueHexView).toString('hex'), expected);

    const tsaCa = path.join(dir, 'tsa-ca.pem');
    writeFileSync(tsaCa, tsa.caPem);
    const report = await assertValid(sealed, [caPath, tsaCa]);
    assert.match(report.status, /TIMESTAMP_TOKEN<INTACT:TRUSTED>/, report.status);
    assert.match(report.pretty, /The TSA certificate is trusted\./);
    assert.match(report.pretty, /The timestamp token is cryptographically sound\./);
  });

  for (const [mode, message] of [
    ['reject', /refused the request: status 2 \(rejection\): policy not accepted/],
    ['garbage', /not a TimeStampResp/],
    ['http-error', /answered HTTP 503/],
  ] as const) {
    it(`rejects with a clear error when the TSA answers ${mode}`, async () => {
      tsa.mode = mode;
      try {
        await assert.rejects(sealPdf(await makePdf(1, false), { identity, reason: 'x', location: 'y', tsaUrl: tsa.url }), (err: Error) => {
          assert.ok(err instanceof TimestampError, String(err));
          assert.match(err.message, message);
          return true;
        });
      } finally {
        tsa.mode = 'ok';
      }
    });
  }

  it('rejects a TSA that cannot be reached', async () => {
    await assert.rejects(
      sealPdf(await makePdf(1, false), { identity, reason: 'x', location: 'y', tsaUrl: 'http://127.0.0.1:1/tsa' }),
      /TSA http:\/\/127\.0\.0\.1:1 unreachable/,
    );
  });

  it('refuses what is not a PDF', async () => {
    await assert.rejects(sealPdf(new TextEncoder().encode('not a pdf at all'), { identity, reason: 'x', location: 'y' }), /PDF/);
  });
});

describe('sealing: the seal identity', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'testigo-seal-id-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a development CA and seal at first start and loads the same ones afterwards', async () => {
    const first = await loadSealIdentity({ dataDir: dir });
    const second = await loadSealIdentity({ dataDir: dir });
    assert.equal(first.source, 'development');
    assert.equal(second.fingerprint, first.fingerprint);
    assert.equal(second.caPem, first.caPem);
    assert.equal(statSync(path.join(dir, 'seal', 'seal-key.pem')).mode & 0o777, 0o600);
    assert.equal(statSync(path.join(dir, 'seal')).mode & 0o777, 0o700);

    const seal = new X509Certificate(first.certificate);
    const ca = new X509Certificate(first.caPem);
    assert.match(seal.subject, /CN=Testigo Development Seal/);
    assert.match(ca.subject, /CN=Testigo Development CA/);
    assert.ok(seal.verify(ca.publicKey) && seal.checkIssued(ca));
    assert.equal(seal.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1', 'ECDSA P-256 (ES256 for the evidence JWS)');
    assert.equal(first.fingerprint, createHash('sha256').update(seal.raw).digest('hex'));
    // what openssl sees: a CA that may sign certificates, a seal that commits to content
    const caText = execFileSync('openssl', ['x509', '-noout', '-text'], { input: first.caPem }).toString();
    assert.match(caText, /CA:TRUE/);
    assert.match(caText, /Certificate Sign/);
    const sealText = execFileSync('openssl', ['x509', '-noout', '-text'], { input: first.chainPem }).toString();
    assert.match(sealText, /Digital Signature, Non Repudiation/);
    assert.match(sealText, /CA:FALSE/);
    // the CA's key is not kept: nothing else can be issued under it
    assert.deepEqual(
      execFileSync('ls', [path.join(dir, 'seal')])
        .toString()
        .trim()
        .split('\n')
        .sort(),
      ['ca.pem', 'seal-key.pem', 'seal.pem'],
    );
  });

  it('two processes starting together end up with one identity', async () => {
    const [a, b] = await Promise.all([loadSealIdentity({ dataDir: dir }), loadSealIdentity({ dataDir: dir })]);
    assert.equal(a.fingerprint, b.fingerprint);
  });

  it('loads a PKCS#12 made by openssl (RSA key, intermediate-free chain) and seals with it', async () => {
    const f = (name: string) => path.join(dir, name);
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      f('ca.key'),
      '-out',
      f('ca.pem'),
      '-days',
      '30',
      '-subj',
      '/CN=Operator Root',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign',
    );
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('seal.key'), '-out', f('seal.csr'), '-subj', '/CN=Operator Seal');
    writeFileSync(f('seal.ext'), 'keyUsage=critical,digitalSignature,nonRepudiation\n');
    openssl(
      'x509',
      '-req',
      '-in',
      f('seal.csr'),
      '-CA',
      f('ca.pem'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-out',
      f('seal.pem'),
      '-days',
      '30',
      '-extfile',
      f('seal.ext'),
    );
    // CA first in the file: the loader must find the key's certificate whatever the order
    openssl('pkcs12', '-export', '-inkey', f('seal.key'), '-in', f('seal.pem'), '-certfile', f('ca.pem'), '-out', f('seal.p12'), '-passout', 'pass:s3cret');

    const identity = await loadSealIdentity({ dataDir: dir, p12Path: f('seal.p12'), p12Password: 's3cret' });
    assert.equal(identity.source, 'p12');
    assert.equal(identity.fingerprint, new X509Certificate(readFileSync(f('seal.pem'))).fingerprint256.replace(/:/g, '').toLowerCase());
    assert.equal(identity.chain.length, 1);
    assert.equal(new X509Certificate(identity.caPem).fingerprint256, new X509Certificate(readFileSync(f('ca.pem'))).fingerprint256);
    assert.equal(identity.privateKey.asymmetricKeyType, 'rsa');

    const sealed = await sealPdf(await makePdf(1, true), { identity, reason: 'operator seal', location: 'Testigo' });
    writeFileSync(f('p12-sealed.pdf'), sealed);
    const { status } = await pyhankoValidate(f('p12-sealed.pdf'), [f('ca.pem')]);
    assert.match(status.output, new RegExp(`Seal1:${identity.fingerprint}:INTACT:TRUSTED`), status.output);
  });

  it('a wrong PKCS#12 password or a missing file is a clear SealIdentityError', async () => {
    const f = (name: string) => path.join(dir, name);
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        f('k.pem'),
        '-out',
        f('c.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=x',
      ],
      { stdio: 'ignore' },
    );
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', f('k.pem'), '-in', f('c.pem'), '-out', f('x.p12'), '-passout', 'pass:right'], { stdio: 'ignore' });
    await assert.rejects(loadSealIdentity({ dataDir: dir, p12Path: f('x.p12'), p12Password: 'wrong' }), (err: Error) => {
      assert.ok(err instanceof SealIdentityError);
      assert.match(err.message, /integrity check failed: wrong password/);
      assert.doesNotMatch(err.message, /wrong'|right/, 'no password in the message');
      return true;
    });
    await assert.rejects(loadSealIdentity({ dataDir: dir, p12Path: f('missing.p12') }), /cannot read SEAL_P12 .*missing\.p12: ENOENT/);
    // a self-signed P12 is its own trust anchor
    const self = await loadSealIdentity({ dataDir: dir, p12Path: f('x.p12'), p12Password: 'right' });
    assert.equal(self.chain.length, 0);
    assert.equal(new X509Certificate(self.caPem).fingerprint256, new X509Certificate(readFileSync(f('c.pem'))).fingerprint256);
  });

  it('loads a PKCS#12 under a promise hook like the Temporal worker’s, which reads every settled promise’s constructor', async () => {
    // The worker installs such a hook for the whole process. Since Node 22, subtle.deriveKey settles a promise without a
    // constructor, so pkijs's PKCS#12 key derivation made that hook throw an uncaught exception (a crashed worker).
    const f = (name: string) => path.join(dir, name);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('k.pem'), '-out', f('c.pem'), '-days', '1', '-subj', '/CN=x'], {
      stdio: 'ignore',
    });
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', f('k.pem'), '-in', f('c.pem'), '-out', f('x.p12'), '-passout', 'pass:right'], { stdio: 'ignore' });
    const thrown: string[] = [];
    const hook = promiseHooks.createHook({
      settled(promise) {
        try {
          void (promise as { constructor: { constructor: unknown } }).constructor.constructor;
        } catch (error) {
          thrown.push((error as Error).message);
        }
      },
    });
    try {
      const identity = await loadSealIdentity({ dataDir: dir, p12Path: f('x.p12'), p12Password: 'right' });
      assert.equal(identity.source, 'p12');
    } finally {
      hook();
    }
    assert.deepEqual(thrown, [], 'no settled promise without a constructor');
  });
});
