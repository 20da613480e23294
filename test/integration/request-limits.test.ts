// Request limits on a real stack over loopback: per-tenant rate limits (429 problem+json with Retry-After, another
// tenant unaffected), the per-address limit of the public POST /verify, and a body limit on every route that takes a
// body — each one checked by sending one byte more than it allows (413 problem+json), with the routes enumerated from
// what the app really registers, so a new route with a body cannot go without a decided limit.
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { captureRoutes, routeKey, type CapturedRoute } from '../property/support/routes';
import { startTestStack, type TestStack } from '../support/stack';

const KB = 1024;
const MB = 1024 * KB;

/** The limit each route with a body is expected to have: a new route must be added here, with a reason. */
const EXPECTED: Record<string, number> = {
  'POST /v1/verifications': 16 * KB,
  'POST /v1/verifications/:id/checks': 1 * KB,
  'POST /v1/verifications/:id/resend': 1 * KB,
  'POST /v1/verifications/:id/cancel': 1 * KB,
  // ten 20 MB documents as base64 plus 1 MB (api/routes/processes.ts)
  'POST /v1/processes': Math.ceil(((10 * 20 * MB) / 3) * 4) + 1 * MB,
  'POST /v1/processes/:id/cancel': 1 * KB,
  'PATCH /v1/settings': 4 * KB,
  'POST /v1/evidence/verify': 25 * MB,
  'POST /verify': 25 * MB,
  'POST /v1/admin/tenants': 16 * KB,
  'POST /v1/admin/tenants/:id/keys': 1 * KB,
  'DELETE /v1/admin/tenants/:id/keys/:keyId': 1 * KB,
  'POST /webhooks/whatsapp': 1 * MB,
  'POST /webhooks/sms/twilio': 1 * MB,
  'POST /codec/encode': 8 * MB,
  'POST /codec/decode': 8 * MB,
};

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/**
 * Announces `length` bytes and sends none of them (or sends `body` chunked, without Content-Length): the answer shows
 * whether the server refuses the size before reading.
 */
function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  payload: { announce: number } | { chunked: Buffer },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers, ...('announce' in payload ? { 'content-length': String(payload.announce) } : {}) },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => {
        request.destroy();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* keep text */
        }
        resolve({ status: response.statusCode!, headers: response.headers, body });
      });
    });
    if ('announce' in payload) request.flushHeaders();
    else request.end(payload.chunked);
  });
}

function assertTooLarge(answer: Answer, what: string) {
  assert.equal(answer.status, 413, `${what}: ${JSON.stringify(answer.body)}`);
  assert.match(String(answer.headers['content-type']), /^application\/problem\+json/, what);
  assert.equal(answer.body.status, 413, what);
  assert.equal(answer.body.title, 'Payload Too Large', what);
}

describe('request limits', function () {
  this.timeout(60_000);

  describe('rate limits (RATE_LIMIT_PER_MINUTE=5, VERIFY_RATE_LIMIT_PER_MINUTE=3)', function () {
    let t: TestStack;
    const adminKey = `tsa_test_${randomBytes(16).toString('hex')}`;

    before(async function () {
      this.timeout(120_000);
      t = await startTestStack('pglite', { ADMIN_API_KEY: adminKey, RATE_LIMIT_PER_MINUTE: '5', VERIFY_RATE_LIMIT_PER_MINUTE: '3' });
    });
    after(async function () {
      this.timeout(60_000);
      await t?.stop();
    });

    it('a tenant over its limit gets 429 problem+json with Retry-After; another tenant is unaffected', async () => {
      const other = await t.request('POST', '/v1/admin/tenants', { apiKey: adminKey, body: { name: 'Other', id: 'other' } });
      assert.equal(other.status, 201);
      for (let i = 1; i <= 5; i++) assert.equal((await t.request('GET', '/v1/settings')).status, 200, `request ${i} is within the limit`);
      const over = await t.request('GET', '/v1/settings');
      assert.equal(over.status, 429);
      assert.match(String(over.headers.get('content-type')), /^application\/problem\+json/);
      assert.equal(over.body.type, 'urn:testigo:problem:rate-limited');
      const retryAfter = Number(over.headers.get('retry-after'));
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${over.headers.get('retry-after')}`);
      // a creating POST is refused too, and starts nothing
      const create = await t.request('POST', '/v1/verifications', { body: { to: '+34600111222', channel: 'sms' } });
      assert.equal(create.status, 429);
      assert.equal(await t.stack.db.prisma.verification.count(), 0);

      assert.equal((await t.request('GET', '/v1/settings', { apiKey: other.body.apiKey.key })).status, 200, 'the other tenant is unaffected');
      // a bad key is refused by authentication, not counted against the tenant it guesses at
      assert.equal((await t.request('GET', '/v1/settings', { apiKey: 'tsk_wrong' })).status, 401);
    });

    it('the public POST /verify is limited per client address; X-Forwarded-For is not believed without TRUST_PROXY', async () => {
      const verify = (headers: Record<string, string> = {}) => t.request('POST', '/verify', { apiKey: null, body: { evidence: {}, jws: 'a.b.c' }, headers });
      for (let i = 1; i <= 3; i++) assert.equal((await verify()).status, 200, `verification ${i} is within the limit`);
      const over = await verify({ 'x-forwarded-for': '203.0.113.9' });
      assert.equal(over.status, 429);
      assert.equal(over.body.type, 'urn:testigo:problem:rate-limited');
      assert.ok(Number(over.headers.get('retry-after')) >= 1);
      // the page itself stays available
      assert.equal((await t.request('GET', '/verify', { apiKey: null })).status, 200);
    });
  });

  describe('body limits on every route with a body', function () {
    let t: TestStack;
    let routes: CapturedRoute[];
    const adminKey = `tsa_test_${randomBytes(16).toString('hex')}`;

    before(async function () {
      this.timeout(120_000);
      ({ value: t, routes } = await captureRoutes(() => startTestStack('pglite', { ADMIN_API_KEY: adminKey })));
    });
    after(async function () {
      this.timeout(60_000);
      await t?.stop();
    });

    it('every route with a body has a decided limit (a new one must be added to EXPECTED)', () => {
      // the sandbox emulates providers in development (refused in production); its media upload keeps its own limit
      const ours = routes.filter((r) => WITH_BODY.has(r.method) && !r.url.startsWith('/sandbox'));
      const undecided = ours.map(routeKey).filter((key) => !(key in EXPECTED));
      assert.deepEqual(undecided, [], 'routes with a body but no expected limit');
      const gone = Object.keys(EXPECTED).filter((key) => !ours.some((r) => routeKey(r) === key));
      assert.deepEqual(gone, [], 'EXPECTED names routes the app no longer has');
    });

    for (const [key, limit] of Object.entries(EXPECTED)) {
      it(`${key}: one byte over ${limit} bytes → 413 problem+json, refused before reading`, async () => {
        const [method, url] = key.split(' ');
        const path = url.replace(/:[A-Za-z]+/g, 'x_1');
        const auth = path.startsWith('/v1/admin') ? adminKey : path.startsWith('/v1/') ? t.apiKey : undefined;
        const headers: Record<string, string> = auth ? { authorization: `Bearer ${auth}` } : {};
        assertTooLarge(await send(t.url, method, path, headers, { announce: limit + 1 }), key);
      });
    }

    it('a chunked body (no Content-Length) is cut at the limit too', async () => {
      const body = Buffer.from(JSON.stringify({ code: '123456', pad: ' '.repeat(KB) }));
      assertTooLarge(await send(t.url, 'POST', '/v1/verifications/ver_x/checks', { authorization: `Bearer ${t.apiKey}` }, { chunked: body }), 'chunked checks');
    });

    it('a body of exactly the limit is read (here: a 404 for an unknown verification, not a 413)', async () => {
      const json = JSON.stringify({ code: '123456' });
      const body = Buffer.from(json + ' '.repeat(KB - json.length));
      assert.equal(body.length, KB);
      const answer = await send(t.url, 'POST', '/v1/verifications/ver_unknown/checks', { authorization: `Bearer ${t.apiKey}` }, { chunked: body });
      assert.equal(answer.status, 404, JSON.stringify(answer.body));
    });
  });
});
