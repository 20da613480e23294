// A local RFC 3161 Time-Stamping Authority for tests: `openssl ts -reply` behind a loopback HTTP server.
// It generates its own CA and TSA certificate (extendedKeyUsage=critical,timeStamping) in a temporary folder.
// `mode` switches it to answering a refusal (status 2) or garbage, to test how clients fail.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as asn1js from 'asn1js';

// A well-formed refusal: TimeStampResp { PKIStatusInfo { status rejection(2), statusString } } (openssl cannot be told to refuse).
const REFUSAL = Buffer.from(
  new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [new asn1js.Integer({ value: 2 }), new asn1js.Sequence({ value: [new asn1js.Utf8String({ value: 'policy not accepted' })] })],
      }),
    ],
  }).toBER(false),
);

/** `hold`: requests wait, unanswered, until `release()` (a slow TSA keeps an activity running) */
export type TsaMode = 'ok' | 'reject' | 'garbage' | 'http-error' | 'hold';

export interface TestTsa {
  url: string;
  /** PEM of the TSA's root CA: give it to validators as a trust anchor */
  caPem: string;
  caPath: string;
  mode: TsaMode;
  requests: number;
  /** answers the held requests and every later one */
  release(): void;
  stop(): Promise<void>;
}

export async function startTestTsa(): Promise<TestTsa> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'testigo-tsa-'));
  const f = (name: string) => path.join(dir, name);
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  writeFileSync(f('tsa.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n');
  run(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
    '-days',
    '3650',
    '-subj',
    '/O=Testigo Tests/CN=Test TSA Root',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  run(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    f('tsa.key'),
    '-out',
    f('tsa.csr'),
    '-subj',
    '/O=Testigo Tests/CN=Test TSA',
  );
  run(
    'x509',
    '-req',
    '-in',
    f('tsa.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f('tsa.pem'),
    '-days',
    '3650',
    '-extfile',
    f('tsa.ext'),
  );
  writeFileSync(f('chain.pem'), readFileSync(f('tsa.pem'), 'utf8') + readFileSync(f('ca.pem'), 'utf8'));
  writeFileSync(
    f('tsa.cnf'),
    [
      '[ tsa ]',
      'default_tsa = tsa_config',
      '[ tsa_config ]',
      `serial = ${f('serial')}`,
      'crypto_device = builtin',
      `signer_cert = ${f('tsa.pem')}`,
      `certs = ${f('chain.pem')}`,
      `signer_key = ${f('tsa.key')}`,
      'signer_digest = sha256',
      'default_policy = 1.3.6.1.4.1.55555.1.1',
      'digests = sha256, sha384, sha512',
      'accuracy = secs:1',
      'ordering = no',
      'tsa_name = no',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  writeFileSync(f('serial'), '01\n');

  let n = 0;
  const held: Array<() => void> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      tsa.requests++;
      if (tsa.mode === 'hold') held.push(answer);
      else answer();
    });
    function answer() {
      if (req.method !== 'POST' || req.headers['content-type'] !== 'application/timestamp-query') {
        res.writeHead(415).end();
        return;
      }
      if (tsa.mode === 'http-error') return void res.writeHead(503).end('busy');
      if (tsa.mode === 'garbage') return void res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end('<html>not a timestamp</html>');
      const id = ++n;
      try {
        writeFileSync(f(`q${id}.tsq`), Buffer.concat(chunks));
        if (tsa.mode === 'reject') {
          return void res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(REFUSAL);
        }
        run('ts', '-reply', '-config', f('tsa.cnf'), '-queryfile', f(`q${id}.tsq`), '-out', f(`r${id}.tsr`));
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(readFileSync(f(`r${id}.tsr`)));
      } catch (err) {
        res.writeHead(500).end(String(err));
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const tsa: TestTsa = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`,
    caPem: readFileSync(f('ca.pem'), 'utf8'),
    caPath: f('ca.pem'),
    mode: 'ok',
    requests: 0,
    release: () => {
      tsa.mode = 'ok';
      for (const answer of held.splice(0)) answer();
    },
    stop: async () => {
      tsa.release();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return tsa;
}
