// Tenants and API keys through the admin API (/v1/admin), on a real stack: a tenant is created with its first key
// (shown once, stored as its SHA-256 only, never logged), keys are issued, listed (never in clear) and revoked, and a
// revoked key is refused by the very next request — on this API process and on a second one sharing the PostgreSQL
// database. Admin and tenant keys cannot stand in for each other. Also: what the exact (uncached) lookup costs.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { capturedLogs } from '../support/logs';
import { databases, startSecondApi, startTestStack, type TestStack } from '../support/stack';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

for (const kind of databases()) {
  describe(`tenants and API keys through the admin API (${kind})`, function () {
    this.timeout(60_000);
    let t: TestStack;
    const adminKey = `tsa_test_${randomBytes(16).toString('hex')}`;
    const admin = (method: string, route: string, body?: unknown) => t.request(method, `/v1/admin${route}`, { apiKey: adminKey, body });

    before(async function () {
      this.timeout(120_000);
      t = await startTestStack(kind, { ADMIN_API_KEY: adminKey });
    });
    after(async function () {
      this.timeout(60_000);
      await t?.stop();
    });

    it('POST /v1/admin/tenants creates a tenant and shows its first key once; the key acts as that tenant', async () => {
      const created = await admin('POST', '/tenants', { name: 'Acme Seguros', id: 'acme' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.deepEqual(Object.keys(created.body).sort(), ['apiKey', 'tenant']);
      assert.equal(created.body.tenant.id, 'acme');
      assert.equal(created.body.tenant.name, 'Acme Seguros');
      assert.equal(created.body.tenant.activeKeys, 1);
      const key: string = created.body.apiKey.key;
      assert.match(key, /^tsk_[A-Za-z0-9_-]{43}$/);
      assert.equal(created.body.apiKey.prefix, key.slice(0, 8));
      assert.equal(created.body.apiKey.revokedAt, null);

      const settings = await t.request('GET', '/v1/settings', { apiKey: key });
      assert.equal(settings.status, 200);
      assert.equal(settings.body.tenant, 'acme');

      const shown = await admin('GET', '/tenants/acme');
      assert.equal(shown.status, 200);
      assert.deepEqual(shown.body, created.body.tenant);
      const list = await admin('GET', '/tenants');
      assert.equal(list.status, 200);
      assert.deepEqual(
        list.body.items.map((x: { id: string }) => x.id),
        ['default', 'acme'],
      );
      assert.ok(!JSON.stringify([shown.body, list.body]).includes(key), 'reads never show a key');

      // stored as its SHA-256 only; never in a log line
      const rows = await t.stack.db.prisma.apiKey.findMany({ where: { tenantId: 'acme' } });
      assert.equal(rows.length, 1);
      assert.equal(rows[0].keyHash, sha256(key));
      assert.ok(!JSON.stringify(rows).includes(key.slice(8)), 'the key is not stored in clear');
      assert.equal(capturedLogs.filter((line) => line.includes(key.slice(8))).length, 0, 'the key appears in no log line');
    });

    it('a generated id when none is given; 409 for a taken id; 400 naming each bad field, and nothing stored', async () => {
      const generated = await admin('POST', '/tenants', { name: 'Sin id' });
      assert.equal(generated.status, 201);
      assert.match(generated.body.tenant.id, /^ten_[A-Za-z0-9_-]+$/);

      const taken = await admin('POST', '/tenants', { name: 'Otra', id: 'acme' });
      assert.equal(taken.status, 409);
      assert.equal(taken.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      assert.equal((await t.stack.db.prisma.tenant.findUniqueOrThrow({ where: { id: 'acme' } })).name, 'Acme Seguros', 'the first tenant is unchanged');

      const before = await t.stack.db.prisma.tenant.count();
      const bad = await admin('POST', '/tenants', { name: '', id: 'no spaces/allowed', extra: 1 });
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.body.errors.map((e: { path: string }) => e.path).sort(), ['/extra', '/id', '/name']);
      assert.equal(await t.stack.db.prisma.tenant.count(), before, 'nothing stored');

      assert.equal((await admin('GET', '/tenants/nobody')).status, 404);
      assert.equal((await admin('GET', '/tenants/bad%20id')).status, 400);
    });

    it('keys: issued (shown once), listed without the key or its hash, revoked idempotently; a revoked key gets 401 at once', async () => {
      const issued = await admin('POST', '/tenants/acme/keys');
      assert.equal(issued.status, 201, JSON.stringify(issued.body));
      const key: string = issued.body.key;
      assert.equal((await t.request('GET', '/v1/settings', { apiKey: key })).status, 200);

      const list = await admin('GET', '/tenants/acme/keys');
      assert.equal(list.status, 200);
      assert.equal(list.body.items.length, 2);
      for (const item of list.body.items) assert.deepEqual(Object.keys(item).sort(), ['createdAt', 'id', 'lastUsedAt', 'prefix', 'revokedAt']);
      const listed = JSON.stringify(list.body);
      assert.ok(!listed.includes(key) && !listed.includes(sha256(key)), 'neither the key nor its hash is listed');
      const mine = list.body.items.find((k: { id: string }) => k.id === issued.body.id);
      assert.ok(mine.lastUsedAt, 'lastUsedAt is set once the key is used');

      const revoked = await admin('DELETE', `/tenants/acme/keys/${issued.body.id}`);
      assert.equal(revoked.status, 200);
      assert.ok(revoked.body.revokedAt);
      const refused = await t.request('GET', '/v1/settings', { apiKey: key });
      assert.equal(refused.status, 401, 'the very next request is refused');
      assert.equal(refused.body.type, 'urn:testigo:problem:unauthorized');

      const again = await admin('DELETE', `/tenants/acme/keys/${issued.body.id}`);
      assert.equal(again.status, 200, 'revoking twice is not an error');
      assert.equal(again.body.revokedAt, revoked.body.revokedAt, 'and keeps the first revocation time');
      assert.equal((await admin('GET', '/tenants/acme')).body.activeKeys, 1);

      // a key of another tenant, or none, is a 404 — and is not revoked
      const otherKey = (await t.stack.db.prisma.apiKey.findFirstOrThrow({ where: { tenantId: 'default' } })).id;
      assert.equal((await admin('DELETE', `/tenants/acme/keys/${otherKey}`)).status, 404);
      assert.equal((await t.request('GET', '/v1/settings')).status, 200, "the default tenant's key still works");
      assert.equal((await admin('DELETE', '/tenants/acme/keys/key_nope')).status, 404);
      assert.equal((await admin('POST', '/tenants/nobody/keys')).status, 404);
      assert.equal((await admin('GET', '/tenants/nobody/keys')).status, 404);
    });

    it('scopes: a tenant key gets 403 on every admin route, an admin key 403 on tenant routes, no key 401', async () => {
      for (const [method, route] of [
        ['GET', '/tenants'],
        ['POST', '/tenants'],
        ['GET', '/tenants/acme'],
        ['GET', '/tenants/acme/keys'],
        ['POST', '/tenants/default/keys'],
        ['DELETE', '/tenants/default/keys/key_x'],
      ]) {
        const asTenant = await t.request(method, `/v1/admin${route}`, { body: method === 'POST' && route === '/tenants' ? { name: 'x' } : undefined });
        assert.equal(asTenant.status, 403, `${method} ${route} with a tenant key`);
        assert.equal(asTenant.body.type, 'urn:testigo:problem:wrong-key-scope');
        assert.equal((await t.request(method, `/v1/admin${route}`, { apiKey: null })).status, 401, `${method} ${route} without a key`);
      }
      assert.equal(await t.stack.db.prisma.tenant.count({ where: { name: 'x' } }), 0, 'nothing created with a tenant key');
      const asAdmin = await t.request('GET', '/v1/settings', { apiKey: adminKey });
      assert.equal(asAdmin.status, 403);
      const createAsAdmin = await t.request('POST', '/v1/verifications', { apiKey: adminKey, body: { to: '+34600111222', channel: 'sms' } });
      assert.equal(createAsAdmin.status, 403, 'an admin key starts nothing as a tenant');
      assert.equal(await t.stack.db.prisma.verification.count(), 0);
    });

    it('ADMIN_API_KEY is stored as its SHA-256 with the admin scope and no tenant, and never logged', async () => {
      const row = await t.stack.db.prisma.apiKey.findUniqueOrThrow({ where: { keyHash: sha256(adminKey) } });
      assert.equal(row.scope, 'admin');
      assert.equal(row.tenantId, null);
      assert.equal(capturedLogs.filter((line) => line.includes(adminKey)).length, 0);
    });

    it('OpenAPI documents the admin routes under the adminAuth scheme', async () => {
      const doc = (await t.request('GET', '/openapi.json', { apiKey: null })).body;
      assert.ok(doc.components.securitySchemes.adminAuth);
      for (const path of ['/v1/admin/tenants', '/v1/admin/tenants/{id}', '/v1/admin/tenants/{id}/keys', '/v1/admin/tenants/{id}/keys/{keyId}']) {
        assert.ok(doc.paths[path], `${path} in the OpenAPI document`);
        for (const operation of Object.values(doc.paths[path]) as Array<{ security: unknown }>) assert.deepEqual(operation.security, [{ adminAuth: [] }]);
      }
    });

    if (kind === 'postgres') {
      describe('two API processes on one PostgreSQL database', function () {
        let second: Awaited<ReturnType<typeof startSecondApi>>;
        let secondUrl: string;

        before(async function () {
          this.timeout(60_000);
          second = await startSecondApi(t);
          secondUrl = second.url;
        });
        after(async function () {
          this.timeout(30_000);
          await second?.stop();
        });

        it('a key revoked through one API process is refused by the very next request on the other', async () => {
          const issued = await admin('POST', '/tenants/acme/keys');
          const key: string = issued.body.key;
          const onSecond = () => fetch(`${secondUrl}/v1/settings`, { headers: { authorization: `Bearer ${key}` } });
          assert.equal((await onSecond()).status, 200, 'the second process accepts the key (and would have cached it)');
          const revoked = await fetch(`${secondUrl}/v1/admin/tenants/acme/keys/${issued.body.id}`, {
            method: 'DELETE',
            headers: { authorization: `Bearer ${adminKey}` },
          });
          assert.equal(revoked.status, 200, 'revoked through the second process');
          assert.equal((await t.request('GET', '/v1/settings', { apiKey: key })).status, 401, 'the first process refuses it at once');
          assert.equal((await onSecond()).status, 401, 'and so does the second');
        });

        it('and the other way round: revoked through the first process, refused at once by the second', async () => {
          const issued = await admin('POST', '/tenants/acme/keys');
          const key: string = issued.body.key;
          const onSecond = () => fetch(`${secondUrl}/v1/settings`, { headers: { authorization: `Bearer ${key}` } });
          assert.equal((await onSecond()).status, 200);
          assert.equal((await admin('DELETE', `/tenants/acme/keys/${issued.body.id}`)).status, 200);
          assert.equal((await onSecond()).status, 401);
        });
      });
    }
  });
}
