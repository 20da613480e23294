// The CA route (api/routes/well-known.ts): public, PEM, exactly the seal identity's CA.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { wellKnownRoutes } from '../../api/routes/well-known';
import { loadSealIdentity } from '../../sealing';

describe('GET /.well-known/testigo-ca.pem', () => {
  it('serves the seal CA as application/x-pem-file without authentication', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'testigo-wk-'));
    const app = Fastify();
    try {
      const identity = await loadSealIdentity({ dataDir: dir });
      await app.register(wellKnownRoutes, { caPem: identity.caPem });
      const res = await app.inject({ method: 'GET', url: '/.well-known/testigo-ca.pem' });
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /^application\/x-pem-file/);
      assert.equal(res.body, identity.caPem);
      const ca = new X509Certificate(res.body);
      assert.match(ca.subject, /CN=Testigo Development CA/);
      assert.ok(new X509Certificate(identity.certificate).checkIssued(ca));
      assert.equal((await app.inject({ method: 'POST', url: '/.well-known/testigo-ca.pem' })).statusCode, 404);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
