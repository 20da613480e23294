// Operations endpoints: probes, OpenAPI and its UI, metrics, the codec server for the Temporal UI.
import assert from 'node:assert/strict';
import { defaultPayloadConverter } from '@temporalio/common';
import { payloadToJson } from '../../platform/codec';
import { startDevServer } from '../../platform/dev-server';
import { startTestStack, type TestStack } from '../support/stack';

describe('operations endpoints', function () {
  let t: TestStack;

  before(async function () {
    this.timeout(120_000);
    t = await startTestStack('pglite', { CODEC_TOKEN: 'codec-secret-token', TEMPORAL_UI_URL: 'http://localhost:8233' });
  });

  after(async function () {
    this.timeout(30_000);
    await t?.stop();
  });

  it('/healthz answers without auth', async () => {
    const response = await t.request('GET', '/healthz', { apiKey: null });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { status: 'ok' });
  });

  it('/readyz checks the database and Temporal', async () => {
    const response = await t.request('GET', '/readyz', { apiKey: null });
    assert.equal(response.status, 200);
    assert.equal(response.body.status, 'ready');
    assert.deepEqual(
      response.body.checks.map((c: { name: string; ok: boolean }) => [c.name, c.ok]),
      [
        ['database', true],
        ['temporal', true],
      ],
    );
  });

  it('/openapi.json describes every public route with its schemas and bearer security', async () => {
    const { status, body } = await t.request('GET', '/openapi.json', { apiKey: null });
    assert.equal(status, 200);
    assert.equal(body.openapi, '3.1.0');
    for (const path of ['/v1/verifications', '/v1/verifications/{id}', '/v1/verifications/{id}/checks', '/healthz', '/readyz', '/metrics', '/codec/decode']) {
      assert.ok(body.paths[path], `${path} is documented`);
    }
    const create = body.paths['/v1/verifications'].post;
    assert.deepEqual(create.security, [{ bearerAuth: [] }]);
    assert.ok(create.requestBody.content['application/json'].schema.properties.to);
    assert.ok(body.components.schemas.Problem);
    assert.ok(!Object.keys(body.paths).some((p) => p.startsWith('/sandbox')), 'the sandbox stays out of the public API description');
  });

  it('/docs serves the Swagger UI', async () => {
    const response = await fetch(`${t.url}/docs/`, { redirect: 'follow' });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /swagger-ui/i);
  });

  it('/metrics exposes Prometheus text with request durations', async () => {
    await t.request('GET', '/healthz', { apiKey: null });
    const response = await fetch(`${t.url}/metrics`);
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.match(text, /testigo_http_request_duration_seconds_bucket\{[^}]*route="\/healthz"/);
    assert.match(text, /testigo_process_cpu_seconds_total/);
  });

  it('unknown routes get a problem+json 404', async () => {
    const response = await t.request('GET', '/v2/nothing', { apiKey: null });
    assert.equal(response.status, 404);
    assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.equal(response.body.title, 'Not Found');
  });

  describe('codec server', () => {
    const payloads = [payloadToJson(defaultPayloadConverter.toPayload({ hello: 'world' })!)];
    const post = (path: string, token?: string, body: unknown = { payloads }) =>
      fetch(`${t.url}/codec/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });

    it('encodes and decodes payloads in the proto3-JSON contract, with the bearer token', async () => {
      const encoded = await (await post('encode', 'codec-secret-token')).json();
      assert.equal(Buffer.from(encoded.payloads[0].metadata.encoding, 'base64').toString(), 'binary/encrypted');
      assert.ok(!Buffer.from(encoded.payloads[0].data, 'base64').toString().includes('world'));
      const decoded = await (await post('decode', 'codec-secret-token', encoded)).json();
      assert.deepEqual(decoded, { payloads });
    });

    it('refuses callers without the token', async () => {
      assert.equal((await post('decode')).status, 401);
      assert.equal((await post('decode', 'wrong-token-of-same-len')).status, 401);
    });

    it('answers the Temporal UI’s CORS preflight', async () => {
      const response = await fetch(`${t.url}/codec/decode`, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:8233', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
      });
      assert.ok(response.status === 204 || response.status === 200);
      assert.equal(response.headers.get('access-control-allow-origin'), 'http://localhost:8233');
      assert.match(response.headers.get('access-control-allow-headers') ?? '', /X-Namespace/i);
    });

    it('does not grant CORS to other origins', async () => {
      const response = await fetch(`${t.url}/codec/decode`, {
        method: 'OPTIONS',
        headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
      });
      assert.equal(response.headers.get('access-control-allow-origin'), null);
    });
  });
});

describe('readiness when Temporal goes away', function () {
  it('/readyz answers 503 naming Temporal, while /healthz stays up', async function () {
    this.timeout(120_000);
    const server = await startDevServer({ uiPort: false });
    const t = await startTestStack('pglite', { TEMPORAL_ADDRESS: server.address });
    try {
      assert.equal((await t.request('GET', '/readyz', { apiKey: null })).status, 200);
      await server.stop();
      const response = await t.request('GET', '/readyz', { apiKey: null });
      assert.equal(response.status, 503);
      assert.equal(response.body.status, 'not_ready');
      const temporal = response.body.checks.find((c: { name: string }) => c.name === 'temporal');
      assert.equal(temporal.ok, false);
      assert.equal(response.body.checks.find((c: { name: string }) => c.name === 'database').ok, true);
      assert.equal((await t.request('GET', '/healthz', { apiKey: null })).status, 200);
    } finally {
      await t.stop().catch(() => undefined);
      await server.stop();
    }
  });
});
