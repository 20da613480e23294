// Two API processes behind one load balancer share nothing but PostgreSQL and Temporal: the per-phone send cap and
// Idempotency-Key must be exact across them, not per process. A second API (its own Fastify, Prisma pool and Temporal
// client, no worker) is started on the first stack's database and task queue, and requests are spread over both.
// PGlite lives inside one process, so this is the PostgreSQL case only.
import assert from 'node:assert/strict';
import { databases, startSecondApi, startTestStack, type TestStack } from '../support/stack';

const uniquePhone = () => `+3461${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

for (const kind of databases().filter((k) => k === 'postgres'))
  describe(`two API processes on one PostgreSQL (${kind})`, function () {
    this.timeout(120_000);
    let t: TestStack;
    let second: Awaited<ReturnType<typeof startSecondApi>>;
    /** the same request as `t.request`, sent to API number `n % 2` */
    let on: (n: number, method: string, route: string, options?: { body?: unknown; headers?: Record<string, string> }) => ReturnType<TestStack['request']>;

    before(async () => {
      t = await startTestStack(kind);
      second = await startSecondApi(t);
      on = async (n, method, route, options = {}) => {
        if (n % 2 === 0) return t.request(method, route, options);
        const response = await fetch(`${second.url}${route}`, {
          method,
          headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': 'application/json', ...(options.headers ?? {}) },
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
        });
        return { status: response.status, headers: response.headers, body: await response.json() };
      };
    });
    after(async () => {
      await second?.stop();
      await t?.stop();
    });

    it('the per-phone send cap is exact: 12 parallel requests over both APIs start exactly 5', async () => {
      const phone = uniquePhone();
      const responses = await Promise.all(Array.from({ length: 12 }, (_, n) => on(n, 'POST', '/v1/verifications', { body: { to: phone, channel: 'sms' } })));
      assert.deepEqual(responses.map((r) => r.status).sort(), [...Array(5).fill(201), ...Array(7).fill(429)]);
      assert.equal(await t.stack.db.prisma.verification.count({ where: { to: phone } }), 5);
    });

    it('an Idempotency-Key sent to both APIs at once starts one verification; every success is the same response', async () => {
      const phone = uniquePhone();
      const headers = { 'idempotency-key': `two-apis-${Math.random()}` };
      const responses = await Promise.all(
        Array.from({ length: 8 }, (_, n) => on(n, 'POST', '/v1/verifications', { body: { to: phone, channel: 'sms' }, headers })),
      );
      const created = responses.filter((r) => r.status === 201);
      // a request that meets the first one still in flight is told so (409), never served a second creation
      for (const r of responses)
        assert.ok(r.status === 201 || (r.status === 409 && r.body.type === 'urn:testigo:problem:idempotency-in-progress'), JSON.stringify(r.body));
      assert.ok(created.length >= 1);
      for (const r of created) assert.equal(r.body.id, created[0].body.id);
      assert.equal(await t.stack.db.prisma.verification.count({ where: { to: phone } }), 1);
      // once the first finished, both APIs replay it
      for (const n of [0, 1]) {
        const replay = await on(n, 'POST', '/v1/verifications', { body: { to: phone, channel: 'sms' }, headers });
        assert.equal(replay.status, 201);
        assert.equal(replay.body.id, created[0].body.id);
        assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      }
    });

    it('a key abandoned by a crashed request is taken over by exactly one of the requests that find it', async () => {
      const phone = uniquePhone();
      const key = `abandoned-${Math.random()}`;
      // the first request's row as a crash left it: no response, started long enough ago to count as abandoned
      const body = { to: phone, channel: 'sms' };
      const probe = await on(0, 'POST', '/v1/verifications', { body, headers: { 'idempotency-key': key } });
      assert.equal(probe.status, 201);
      await t.stack.db.prisma.verification.deleteMany({ where: { to: phone } });
      await t.stack.db.prisma.idempotencyKey.update({
        where: { tenantId_key: { tenantId: t.tenantId, key } },
        data: { responseStatus: null, responseBody: undefined, createdAt: new Date(Date.now() - 5 * 60_000) },
      });
      const responses = await Promise.all(
        Array.from({ length: 6 }, (_, n) => on(n, 'POST', '/v1/verifications', { body, headers: { 'idempotency-key': key } })),
      );
      const created = responses.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') !== 'true');
      assert.equal(created.length, 1, JSON.stringify(responses.map((r) => [r.status, r.body.type ?? r.body.id])));
      assert.equal(await t.stack.db.prisma.verification.count({ where: { to: phone } }), 1);
    });

    it('a verification created through one API is read and checked through the other', async () => {
      const phone = uniquePhone();
      const created = await on(1, 'POST', '/v1/verifications', { body: { to: phone, channel: 'sms' } });
      assert.equal(created.status, 201);
      const read = await on(0, 'GET', `/v1/verifications/${created.body.id}`);
      assert.equal(read.status, 200);
      assert.equal(read.body.id, created.body.id);
      const check = await on(0, 'POST', `/v1/verifications/${created.body.id}/checks`, { body: { code: '000000' } });
      assert.equal(check.status, 200, JSON.stringify(check.body));
      assert.equal(check.body.valid, false);
      assert.equal((await on(1, 'GET', `/v1/verifications/${created.body.id}`)).body.attemptsRemaining, read.body.attemptsRemaining - 1);
    });
  });
