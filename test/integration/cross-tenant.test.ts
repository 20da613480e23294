// Cross-tenant access on every tenant route, on a real stack: two tenants created through the admin API; tenant A
// owns a pending verification, a pending process and a completed one (certificate, sealed document); tenant B calls
// every /v1 route that names a resource with A's ids and gets exactly what a missing resource gets — a 404 not-found
// problem that reveals none of A's data — and nothing of A's changes. The routes are enumerated from the app itself:
// a new route with a resource id that this test does not call fails it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { captureRoutes, routeKey, type CapturedRoute } from '../property/support/routes';
import { completeProcess, type CompletedProcess } from '../support/completed-process';
import { processBody } from '../support/customer';
import { startTestStack, type TestStack } from '../support/stack';

describe('cross-tenant access: every tenant route, as another tenant', function () {
  this.timeout(120_000);
  let t: TestStack;
  let routes: CapturedRoute[];
  const adminKey = `tsa_test_${randomBytes(16).toString('hex')}`;
  let keyA: string;
  let keyB: string;
  let done: CompletedProcess;
  let verificationId: string;
  let verificationTo: string;
  let pendingProcessId: string;
  let documentId: string;
  /** strings of A's that B must never see */
  let secrets: string[];

  const as = (key: string) => ({
    ...t,
    apiKey: key,
    request: (m: string, p: string, o: Parameters<TestStack['request']>[2] = {}) => t.request(m, p, { ...o, apiKey: o.apiKey === undefined ? key : o.apiKey }),
  });

  before(async function () {
    this.timeout(240_000);
    ({ value: t, routes } = await captureRoutes(() => startTestStack('pglite', { ADMIN_API_KEY: adminKey })));
    const create = async (id: string) => {
      const created = await t.request('POST', '/v1/admin/tenants', { apiKey: adminKey, body: { name: `Tenant ${id}`, id } });
      assert.equal(created.status, 201);
      return created.body.apiKey.key as string;
    };
    keyA = await create('tenant-a');
    keyB = await create('tenant-b');
    const a = as(keyA);
    verificationTo = '+34600999111';
    const verification = await a.request('POST', '/v1/verifications', { body: { to: verificationTo, channel: 'sms', purpose: 'secret-purpose-a' } });
    assert.equal(verification.status, 201, JSON.stringify(verification.body));
    verificationId = verification.body.id;
    const pending = await a.request('POST', '/v1/processes', { body: await processBody({ reference: 'REF-A-PENDING' }) });
    assert.equal(pending.status, 201);
    pendingProcessId = pending.body.id;
    done = await completeProcess(a as TestStack, { reference: 'REF-A-DONE' });
    documentId = (await a.request('GET', `/v1/processes/${done.processId}`)).body.documents[0].id;
    secrets = [
      verificationTo,
      'secret-purpose-a',
      'REF-A-PENDING',
      'REF-A-DONE',
      done.phone,
      pending.body.customer.phone,
      'Ana García',
      'contract.pdf',
      'tenant-a',
      keyA,
    ];
  });
  after(async function () {
    this.timeout(60_000);
    await t?.stop();
  });

  /** How each tenant route that names a resource is called: path with A's ids, and a body. */
  const calls = (): Record<string, { path: string; missing: string; body?: unknown }> => ({
    'GET /v1/verifications/:id': { path: `/v1/verifications/${verificationId}`, missing: '/v1/verifications/ver_nothere' },
    'POST /v1/verifications/:id/checks': {
      path: `/v1/verifications/${verificationId}/checks`,
      missing: '/v1/verifications/ver_nothere/checks',
      body: { code: '123456' },
    },
    'POST /v1/verifications/:id/resend': { path: `/v1/verifications/${verificationId}/resend`, missing: '/v1/verifications/ver_nothere/resend', body: {} },
    'POST /v1/verifications/:id/cancel': { path: `/v1/verifications/${verificationId}/cancel`, missing: '/v1/verifications/ver_nothere/cancel' },
    'GET /v1/processes/:id': { path: `/v1/processes/${done.processId}`, missing: '/v1/processes/prc_nothere' },
    'POST /v1/processes/:id/cancel': { path: `/v1/processes/${pendingProcessId}/cancel`, missing: '/v1/processes/prc_nothere/cancel' },
    'GET /v1/processes/:id/certificate': { path: `/v1/processes/${done.processId}/certificate`, missing: '/v1/processes/prc_nothere/certificate' },
    'GET /v1/processes/:id/evidence': { path: `/v1/processes/${done.processId}/evidence`, missing: '/v1/processes/prc_nothere/evidence' },
    'GET /v1/processes/:id/documents/:docId': {
      path: `/v1/processes/${done.processId}/documents/${documentId}`,
      missing: `/v1/processes/prc_nothere/documents/${documentId}`,
    },
    'GET /v1/processes/:id/documents/:docId/signed': {
      path: `/v1/processes/${done.processId}/documents/${documentId}/signed`,
      missing: `/v1/processes/prc_nothere/documents/${documentId}/signed`,
    },
  });

  it('every tenant route with a resource id is covered by this test', () => {
    const tenantRoutes = routes.filter((r) => r.url.startsWith('/v1/') && !r.url.startsWith('/v1/admin') && r.url.includes(':') && r.method !== 'HEAD');
    assert.ok(tenantRoutes.length >= 10, `found ${tenantRoutes.length} routes`);
    const uncovered = tenantRoutes.map(routeKey).filter((key) => !(key in calls()));
    assert.deepEqual(uncovered, [], 'tenant routes with a resource id that this test does not call as another tenant');
  });

  it("B gets, for each of A's resources, exactly the 404 a missing resource gets, with none of A's data", async () => {
    const b = as(keyB);
    const a = as(keyA);
    const before = {
      verification: (await a.request('GET', `/v1/verifications/${verificationId}`)).body,
      pending: (await a.request('GET', `/v1/processes/${pendingProcessId}`)).body,
      done: (await a.request('GET', `/v1/processes/${done.processId}`)).body,
    };
    for (const [key, call] of Object.entries(calls())) {
      const method = key.split(' ')[0];
      const answer = await b.request(method, call.path, { body: call.body });
      assert.equal(answer.status, 404, `${key} as B: ${JSON.stringify(answer.body)}`);
      assert.match(String(answer.headers.get('content-type')), /^application\/problem\+json/, key);
      assert.equal(answer.body.type, 'urn:testigo:problem:not-found', `${key}: the same problem type as a missing resource`);
      const text = JSON.stringify(answer.body);
      for (const secret of secrets) assert.ok(!text.includes(secret), `${key} as B reveals ${secret}: ${text}`);
      // indistinguishable from a resource that does not exist (ids in the path aside)
      const missing = await b.request(method, call.missing, { body: call.body });
      const strip = (body: Record<string, unknown>) => JSON.stringify({ ...body, detail: String(body.detail).replace(/(ver|prc|doc)_[A-Za-z0-9_-]+/g, 'ID') });
      assert.equal(strip(answer.body), strip(missing.body), `${key}: A's resource answers like a missing one`);
    }
    // nothing of A's changed: the pending ones are still pending, with the same attempts; the completed one the same
    const after = {
      verification: (await a.request('GET', `/v1/verifications/${verificationId}`)).body,
      pending: (await a.request('GET', `/v1/processes/${pendingProcessId}`)).body,
      done: (await a.request('GET', `/v1/processes/${done.processId}`)).body,
    };
    assert.equal(after.verification.status, 'pending');
    assert.equal(after.verification.attemptsRemaining, before.verification.attemptsRemaining, 'no check was counted');
    assert.equal(after.verification.sends.length, before.verification.sends.length, 'nothing was resent');
    assert.notEqual(after.pending.status, 'canceled');
    assert.equal(after.pending.status, before.pending.status);
    assert.deepEqual(after.done, before.done);
  });

  it("B's lists and settings show nothing of A's; B's settings change leaves A's alone", async () => {
    const b = as(keyB);
    const list = await b.request('GET', '/v1/processes');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.items, []);
    const settings = await b.request('PATCH', '/v1/settings', { body: { brand: 'Marca B' } });
    assert.equal(settings.status, 200);
    assert.equal(settings.body.tenant, 'tenant-b');
    const mine = await as(keyA).request('GET', '/v1/settings');
    assert.equal(mine.body.brand, null, "A's settings are untouched");
    assert.notEqual(mine.body.callbackSecret, settings.body.callbackSecret, 'each tenant has its own callback secret');
    for (const secret of secrets) assert.ok(!JSON.stringify([list.body, settings.body]).includes(secret), secret);
  });

  it("POST /v1/evidence/verify?processId=<A's> as B reveals nothing of A's custody; as A it does", async () => {
    const verify = (key: string) =>
      fetch(`${t.url}/v1/evidence/verify?processId=${done.processId}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/pdf' },
        body: new Uint8Array(done.certificate),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { valid: boolean; checks: Array<{ name: string; ok: boolean; detail: string }> } }));
    const asA = await verify(keyA);
    assert.equal(asA.status, 200);
    assert.equal(asA.body.checks.find((c) => c.name === 'certificate_in_custody')?.ok, true, 'A learns its certificate is in custody');
    const asB = await verify(keyB);
    assert.equal(asB.status, 200);
    const custody = asB.body.checks.find((c) => c.name === 'certificate_in_custody');
    assert.equal(custody?.ok, false, "B is not told that A's certificate is in custody");
    assert.match(custody!.detail, /holds no certificate/);
    assert.ok(!JSON.stringify(asB.body).includes('kept in custody'), JSON.stringify(asB.body));
    // a sealed document of A's: as A, custody finds the evidence that lists it; as B, no evidence is found for it
    const documentInEvidence = async (key: string) => (await verifyDocument(key)).checks.find((c) => c.name === 'document_in_evidence');
    const forA = await documentInEvidence(keyA);
    assert.equal(forA?.ok, true, JSON.stringify(forA));
    assert.ok(forA!.detail.includes(done.processId));
    const forB = await documentInEvidence(keyB);
    assert.equal(forB?.ok, false, JSON.stringify(forB));
    assert.equal(forB!.detail, 'no evidence lists this file as a sealed document');
  });

  async function verifyDocument(key: string) {
    const response = await fetch(`${t.url}/v1/evidence/verify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/pdf' },
      body: new Uint8Array(done.signedDocument),
    });
    assert.equal(response.status, 200);
    return (await response.json()) as { valid: boolean; checks: Array<{ name: string; ok: boolean; detail: string }> };
  }
});
