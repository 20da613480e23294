// `testigo`, the command line, run as a real child process (node + the package.json "bin" shim, cli/testigo.mjs):
// `verify` offline on the files a completed process left (certificate, sealed document, evidence record) — valid
// with the deployment's CA, "not anchored" without it, and each forgery (flipped byte, stripped attachment, another
// process, another CA) a non-zero exit naming the failed check — and `process start|show`, `certificate`, `ca`
// against the live API. One stack, one completed process.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateDevSeal } from '../../sealing/dev-ca';
import { runTestigo, type CliRun } from '../support/cli';
import { completeProcess, type CompletedProcess } from '../support/completed-process';
import { newPhone, samplePdf } from '../support/customer';
import { startTestStack, type TestStack } from '../support/stack';
import { flipByte, stripAttachment } from '../support/tamper';

/**
 * A preload that makes any network use throw (sockets and fetch), for the runs that must stay offline. A data: URL
 * module, so that nothing is written for it.
 */
const NO_NETWORK =
  'data:text/javascript,' +
  encodeURIComponent(
    "import net from 'node:net';" +
      "const refuse = () => { throw new Error('testigo verify used the network'); };" +
      'net.Socket.prototype.connect = refuse; globalThis.fetch = refuse;',
  );

describe('testigo, the command line', function () {
  let t: TestStack;
  let done: CompletedProcess;
  let dir: string;
  const file = (name: string) => path.join(dir, name);

  /** Runs the CLI asynchronously (the stack it calls lives in this process), in `dir`, with only the env given. */
  const testigo = (args: string[], env: Record<string, string | undefined> = {}, nodeOptions: string[] = []) =>
    runTestigo(args, { env, cwd: dir, nodeOptions });
  const api = () => ({ TESTIGO_URL: t.url, TESTIGO_API_KEY: t.apiKey });
  const offline = (args: string[]) => testigo(args, {}, [`--import=${NO_NETWORK}`]);

  /** A line `✔ name:` (ok) or `✘ name:` (failed) is printed for the check. */
  function assertCheck(run: CliRun, name: string, ok: boolean, detail?: RegExp) {
    const line = run.stdout.split('\n').find((l) => l.startsWith(`${ok ? '✔' : '✘'} ${name}:`));
    assert.ok(line, `${ok ? '✔' : '✘'} ${name} in:\n${run.stdout}\n${run.stderr}`);
    if (detail) assert.match(line, detail);
  }
  function assertInvalid(run: CliRun, name: string, detail?: RegExp) {
    assert.equal(run.code, 1, `exit 1:\n${run.stdout}\n${run.stderr}`);
    assertCheck(run, name, false, detail);
    assert.match(run.stdout, new RegExp(`^INVALID: .*checks failed: .*\\b${name}\\b`, 'm'), 'the verdict names it');
  }

  before(async function () {
    this.timeout(180_000);
    t = await startTestStack('pglite');
    done = await completeProcess(t);
    dir = mkdtempSync(path.join(os.tmpdir(), 'testigo-cli-'));
    writeFileSync(file('certificate.pdf'), done.certificate);
    writeFileSync(file('signed.pdf'), done.signedDocument);
    writeFileSync(file('evidence.json'), JSON.stringify(done.record));
    writeFileSync(file('ca.pem'), await (await fetch(`${t.url}/.well-known/testigo-ca.pem`)).text());
    writeFileSync(file('jwks.json'), await (await fetch(`${t.url}/.well-known/jwks.json`)).text());
    writeFileSync(file('other-ca.pem'), (await generateDevSeal()).caPem);
  });
  after(async function () {
    this.timeout(60_000);
    await t?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('--help: the commands, the environment and the exit statuses', async function () {
    const help = await testigo(['--help']);
    assert.equal(help.code, 0, help.stderr);
    for (const text of ['verify FILE', 'process start', 'process show ID', 'certificate ID', 'TESTIGO_API_KEY', 'TESTIGO_URL', 'Exit status']) {
      assert.ok(help.stdout.includes(text), `${text} in --help`);
    }
    const verifyHelp = await testigo(['verify', '--help']);
    assert.equal(verifyHelp.code, 0);
    for (const option of ['--ca', '--jwks', '--process', '--evidence', '--json']) assert.ok(verifyHelp.stdout.includes(option), option);
    const none = await testigo([]);
    assert.equal(none.code, 2, 'no command is a usage error');
  });

  it('verify a certificate with the CA and the JWKS, offline: every check printed, exit 0', async function () {
    const run = await offline(['verify', 'certificate.pdf', '--ca', 'ca.pem', '--jwks', 'jwks.json']);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    for (const name of [
      'pdf_seal',
      'pdf_seal_covers_file',
      'pdf_seal_certificate',
      'certificate_attachments',
      'evidence_version',
      'jws_signature',
      'jws_payload_matches_evidence',
      'hash_chain',
      'event_order',
      'documents_sealed',
      'certificate_chain',
      'chain_timestamp',
      'no_secrets',
      'certificate_sealed_by_issuer',
    ]) {
      assertCheck(run, name, true);
    }
    assertCheck(run, 'certificate_chain', true, /chains to/);
    assert.match(run.stdout, new RegExp(`^VALID: evidence certificate of process ${done.processId}`, 'm'));
    assert.doesNotMatch(run.stdout, /NOT ANCHORED/);

    const asJson = await offline(['verify', 'certificate.pdf', '--ca', 'ca.pem', '--process', done.processId, '--json']);
    assert.equal(asJson.code, 0, asJson.stderr);
    const result = JSON.parse(asJson.stdout);
    assert.equal(result.valid, true);
    assert.equal(result.verdict, 'valid');
    assert.equal(result.kind, 'certificate');
    assert.equal(result.processId, done.processId);
    assert.ok(result.checks.some((c: any) => c.name === 'process_matches' && c.ok));
  });

  it('without --ca: every check passes but the verdict says it is not anchored and how to get the CA (exit 3)', async function () {
    const run = await offline(['verify', 'certificate.pdf']);
    assert.equal(run.code, 3, `${run.stdout}\n${run.stderr}`);
    assertCheck(run, 'certificate_chain', true, /not anchored/);
    assert.match(run.stdout, /NOT ANCHORED: no trusted CA was given \(--ca\)/);
    assert.match(run.stdout, /\/\.well-known\/testigo-ca\.pem/);
    assert.match(run.stdout, /SHA-256\s+[0-9A-F:]{95}/, 'the fingerprint of the chain the file carries, to compare');
    assert.match(run.stdout, /^NOT VERIFIED: /m);
    assert.doesNotMatch(run.stdout, /^VALID/m, 'never called valid');
    assert.equal(JSON.parse((await offline(['verify', 'certificate.pdf', '--json'])).stdout).verdict, 'not_anchored');
  });

  it('the sealed document with --evidence (the certificate or the evidence JSON): document_in_evidence', async function () {
    const withCertificate = await offline(['verify', 'signed.pdf', '--ca', 'ca.pem', '--evidence', 'certificate.pdf']);
    assert.equal(withCertificate.code, 0, `${withCertificate.stdout}\n${withCertificate.stderr}`);
    assertCheck(withCertificate, 'pdf_seal', true);
    assertCheck(withCertificate, 'document_in_evidence', true, new RegExp(done.processId));
    assertCheck(withCertificate, 'hash_chain', true);
    assert.match(withCertificate.stdout, /^VALID: sealed document of process/m);

    const withRecord = await offline(['verify', 'signed.pdf', '--ca', 'ca.pem', '--evidence', 'evidence.json', '--process', done.processId]);
    assert.equal(withRecord.code, 0, withRecord.stdout);
    assertCheck(withRecord, 'process_matches', true);

    const alone = await offline(['verify', 'signed.pdf', '--ca', 'ca.pem']);
    assert.equal(alone.code, 0, 'its seal verifies on its own');
    assert.match(alone.stdout, /checked on its own/);
  });

  it('the evidence record as JSON: verified with the same checks', async function () {
    const run = await offline(['verify', 'evidence.json', '--ca', 'ca.pem', '--jwks', 'jwks.json', '--process', done.processId]);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    for (const name of ['jws_signature', 'hash_chain', 'certificate_chain', 'process_matches']) assertCheck(run, name, true);
    assert.match(run.stdout, /^VALID: evidence record of process/m);
  });

  it('a flipped byte in the certificate: exit 1 naming pdf_seal', async function () {
    writeFileSync(file('flipped.pdf'), flipByte(done.certificate, 2_000));
    assertInvalid(await offline(['verify', 'flipped.pdf', '--ca', 'ca.pem']), 'pdf_seal', /signed bytes were changed/);
    // and in the sealed document, checked against the process's evidence
    writeFileSync(file('signed-flipped.pdf'), flipByte(done.signedDocument, 500));
    const document = await offline(['verify', 'signed-flipped.pdf', '--ca', 'ca.pem', '--evidence', 'certificate.pdf']);
    assertInvalid(document, 'pdf_seal');
    assertInvalid(document, 'document_in_evidence');
  });

  it('an attachment stripped: exit 1 naming certificate_attachments (and the seal not covering it)', async function () {
    writeFileSync(file('stripped.pdf'), await stripAttachment(done.certificate, 'evidence.json', { incremental: true }));
    const run = await offline(['verify', 'stripped.pdf', '--ca', 'ca.pem']);
    assertInvalid(run, 'certificate_attachments', /evidence\.json is missing/);
    assertInvalid(run, 'pdf_seal_covers_file');
  });

  it('another process’s certificate: exit 1 naming process_matches', async function () {
    assertInvalid(
      await offline(['verify', 'certificate.pdf', '--ca', 'ca.pem', '--process', 'prc_someoneElse000']),
      'process_matches',
      /not prc_someoneElse000/,
    );
  });

  it('checked against another CA: exit 1 naming the chain checks', async function () {
    const run = await offline(['verify', 'certificate.pdf', '--ca', 'other-ca.pem']);
    assertInvalid(run, 'certificate_chain', /does not end at the trusted CA/);
    assertInvalid(run, 'pdf_seal_certificate');
  });

  it('usage errors and unreadable files: exit 2 with a message on stderr', async function () {
    const missing = await testigo(['verify', 'nope.pdf']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read FILE nope\.pdf: no such file/);
    assert.equal(missing.stdout, '');
    assert.equal((await testigo(['verify'])).code, 2, 'no FILE');
    const badCa = await testigo(['verify', 'certificate.pdf', '--ca', 'evidence.json']);
    assert.equal(badCa.code, 2);
    assert.match(badCa.stderr, /--ca evidence\.json is not a PEM certificate/);
    const badTsaCa = await testigo(['verify', 'certificate.pdf', '--tsa-ca', 'evidence.json']);
    assert.equal(badTsaCa.code, 2);
    assert.match(badTsaCa.stderr, /--tsa-ca evidence\.json is not a PEM certificate/);
    writeFileSync(file('notes.txt'), 'hello');
    const notEvidence = await testigo(['verify', 'notes.txt']);
    assert.equal(notEvidence.code, 2);
    assert.match(notEvidence.stderr, /neither a PDF nor an evidence record/);
    const badOption = await testigo(['verify', 'certificate.pdf', '--frobnicate']);
    assert.equal(badOption.code, 2);
    assert.match(badOption.stderr, /--frobnicate/);
    const badProcess = await testigo(['verify', 'certificate.pdf', '--process', '../etc']);
    assert.equal(badProcess.code, 2);
  });

  it('process start uploads a PDF and process show reads it back: awaiting_opt_in', async function () {
    writeFileSync(file('contract.pdf'), await samplePdf('Contrato CLI'));
    const phone = newPhone();
    const started = await testigo(['process', 'start', '--file', 'contract.pdf', '--phone', phone, '--name', 'Ana García', '--reference', 'CLI-1'], api());
    assert.equal(started.code, 0, `${started.stdout}\n${started.stderr}`);
    const id = /^(prc_[A-Za-z0-9_-]+)\s+awaiting_opt_in$/m.exec(started.stdout)?.[1];
    assert.ok(id, `the id and status in:\n${started.stdout}`);
    assert.match(started.stdout, /contract\.pdf/);

    const shown = await testigo(['process', 'show', id], api());
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(`^${id}\\s+awaiting_opt_in`, 'm'));
    assert.match(shown.stdout, /CLI-1/);
    assert.match(shown.stdout, /not issued yet/);
    assert.ok(!shown.stdout.includes(phone), 'the phone is masked');
    const asJson = JSON.parse((await testigo(['process', 'show', id, '--json'], api())).stdout);
    assert.equal(asJson.id, id);
    assert.equal(asJson.status, 'awaiting_opt_in');
    const { body } = await t.request('GET', `/v1/processes/${id}`);
    assert.equal(body.documents[0].sha256, asJson.documents[0].sha256, 'the very file uploaded');

    // no certificate yet: the API's problem, exit 1
    const early = await testigo(['certificate', id], api());
    assert.equal(early.code, 1);
    assert.match(early.stderr, /404 Not Found: .*has no certificate/);
    // the API's field errors are named
    const badPhone = await testigo(['process', 'start', '--file', 'contract.pdf', '--phone', '12', '--name', 'A', '--reference', 'R'], api());
    assert.equal(badPhone.code, 1, badPhone.stderr);
    assert.match(badPhone.stderr, /^testigo: 400 .*\n\s+\/customer\/phone/m);
  });

  it('process show of a completed process: the certificate URL', async function () {
    const shown = await testigo(['process', 'show', done.processId], api());
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /completed/);
    assert.ok(shown.stdout.includes(`${t.url}/v1/processes/${done.processId}/certificate`), shown.stdout);
  });

  it('certificate ID writes the very file GET /certificate answers', async function () {
    const run = await testigo(['certificate', done.processId], api());
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(readFileSync(file(`certificate-${done.processId}.pdf`)), done.certificate);
    const out = await testigo(['certificate', done.processId, '--out', 'mine.pdf'], api());
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(readFileSync(file('mine.pdf')), done.certificate);
  });

  it('ca writes the deployment CA', async function () {
    const run = await testigo(['ca', '--out', 'fetched-ca.pem'], { TESTIGO_URL: t.url });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(readFileSync(file('fetched-ca.pem'), 'utf8'), readFileSync(file('ca.pem'), 'utf8'));
    assert.match(run.stdout, /SHA-256 fingerprint/);
  });

  it('without TESTIGO_API_KEY: a clear error, exit 2, nothing requested; a wrong key: the 401, exit 1', async function () {
    const noKey = await testigo(['process', 'show', done.processId], { TESTIGO_URL: t.url });
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /TESTIGO_API_KEY is not set/);
    const noKeyCertificate = await testigo(['certificate', done.processId], { TESTIGO_URL: t.url });
    assert.equal(noKeyCertificate.code, 2);
    const wrongKey = await testigo(['process', 'show', done.processId], { TESTIGO_URL: t.url, TESTIGO_API_KEY: 'tsk_wrong' });
    assert.equal(wrongKey.code, 1);
    assert.match(wrongKey.stderr, /^testigo: 401 /m);
    assert.match(wrongKey.stderr, /TESTIGO_API_KEY/);
  });
});
