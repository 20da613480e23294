// OTP verification by SMS, end to end: HTTP API → Temporal workflow → activity → sandbox Twilio API
// over HTTP → the handset's SMS → check through a Temporal Update → read model.
import assert from 'node:assert/strict';
import { PHONE, STATUS, TENANT } from '../../shared/search-attributes';
import { verificationWorkflowId } from '../../shared/verification';
import { databases, eventually, startTestStack, tenantOf, type TestStack, verificationService } from '../support/stack';

const PHONE_NUMBER = '+34600111222';

async function smsFor(t: TestStack, phone: string): Promise<Array<{ id: string; body: string; at: string }>> {
  const response = await t.request('GET', `/sandbox/api/phones/${encodeURIComponent(phone)}/sms`, { apiKey: null });
  assert.equal(response.status, 200);
  return response.body;
}

/** Waits for the SMS of this verification (the n-th one on that phone) and reads its code. */
async function codeFromSms(t: TestStack, phone: string, index: number, length = 6): Promise<string> {
  const sms = await eventually(async () => (await smsFor(t, phone))[index], `SMS #${index + 1} to ${phone}`);
  const match = new RegExp(`\\b(\\d{${length}})\\b`).exec(sms.body);
  assert.ok(match, `no ${length}-digit code in "${sms.body}"`);
  return match[1];
}

function uniquePhone(): string {
  // Valid Spanish mobile numbers, distinct per test so handsets do not mix.
  return `+346${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
}

for (const kind of databases()) {
  describe(`verifications over SMS (${kind})`, function () {
    let t: TestStack;

    before(async function () {
      this.timeout(120_000);
      t = await startTestStack(kind);
    });

    after(async function () {
      this.timeout(30_000);
      await t?.stop();
    });

    it('sends a code by SMS through the sandbox and approves the right code after a wrong one', async () => {
      const phone = uniquePhone();
      const created = await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'sms', brand: 'Acme Shop', locale: 'en' } });
      assert.equal(created.status, 201);
      assert.match(created.body.id, /^ver_/);
      assert.equal(created.body.status, 'pending');
      assert.equal(created.body.to, `+34******${phone.slice(-3)}`);
      assert.equal(created.body.attemptsRemaining, 5);
      assert.ok(Date.parse(created.body.expiresAt) - Date.parse(created.body.createdAt) > 590_000);
      // the answer is built beside the row's insert (one statement with the send slot): the row says the same
      const stored = (await t.request('GET', `/v1/verifications/${created.body.id}`)).body;
      const moving = ['status', 'attemptsRemaining', 'sends', 'updatedAt']; // the workflow moves these
      const fixed = Object.entries(created.body).filter(([key]) => !moving.includes(key));
      assert.ok(fixed.length >= 8, fixed.join());
      for (const [key, value] of fixed) assert.deepEqual(stored[key], value, key);

      const code = await codeFromSms(t, phone, 0);
      const [sms] = await smsFor(t, phone);
      assert.match(sms.body, /^Acme Shop: your verification code is \d{6}\. It expires in 10 min\./);

      const wrong = code === '000000' ? '111111' : '000000';
      const first = await t.request('POST', `/v1/verifications/${created.body.id}/checks`, { body: { code: wrong } });
      assert.equal(first.status, 200);
      assert.deepEqual(first.body, { valid: false, status: 'pending', attemptsRemaining: 4 });

      const second = await t.request('POST', `/v1/verifications/${created.body.id}/checks`, { body: { code } });
      assert.deepEqual(second.body, { valid: true, status: 'approved', attemptsRemaining: 3 });

      const fetched = await t.request('GET', `/v1/verifications/${created.body.id}`);
      assert.equal(fetched.status, 200);
      assert.equal(fetched.body.status, 'approved');
      assert.equal(fetched.body.attemptsRemaining, 3);
      assert.equal(fetched.body.sends.length, 1);
      assert.equal(fetched.body.sends[0].channel, 'sms');
      assert.ok(['queued', 'sent', 'delivered'].includes(fetched.body.sends[0].status));

      // The workflow closed on approval; a later check still says why instead of a bare 404.
      const again = await t.request('POST', `/v1/verifications/${created.body.id}/checks`, { body: { code } });
      assert.deepEqual(again.body, { valid: false, status: 'approved', attemptsRemaining: 3 });
    });

    it('answers a check without a projection write in its workflow task, and GET agrees with the answer at once', async () => {
      const phone = uniquePhone();
      const created = await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'sms' } });
      const code = await codeFromSms(t, phone, 0);
      // the SMS's status callbacks first, so no status signal shares a check's task (their writes would be there)
      await eventually(async () => {
        const { body } = await t.request('GET', `/v1/verifications/${created.body.id}`);
        return body.sends[0]?.status === 'delivered' ? true : undefined;
      }, 'the SMS delivered');
      const wrong = code === '000000' ? '111111' : '000000';
      const first = await t.request('POST', `/v1/verifications/${created.body.id}/checks`, { body: { code: wrong } });
      assert.deepEqual(first.body, { valid: false, status: 'pending', attemptsRemaining: 4 });
      const read = await t.request('GET', `/v1/verifications/${created.body.id}`);
      assert.deepEqual([read.body.status, read.body.attemptsRemaining], ['pending', 4]);
      const second = await t.request('POST', `/v1/verifications/${created.body.id}/checks`, { body: { code } });
      assert.deepEqual(second.body, { valid: true, status: 'approved', attemptsRemaining: 3 });

      // A local activity in a check's task (the write before this change) would hold the answer until it finished.
      const handle = t.stack.client.workflow.getHandle(verificationWorkflowId(created.body.id));
      await handle.result();
      const events = (await handle.fetchHistory()).events ?? [];
      const answered = events.flatMap((e, i) => (e.workflowExecutionUpdateCompletedEventAttributes ? [i] : []));
      assert.equal(answered.length, 2);
      for (const at of answered) {
        const taskStart = events.findLastIndex((e, i) => i < at && e.workflowTaskCompletedEventAttributes);
        const taskEnd = events.findIndex((e, i) => i > at && e.workflowTaskScheduledEventAttributes);
        const task = events.slice(taskStart + 1, taskEnd < 0 ? undefined : taskEnd);
        assert.ok(!task.some((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity'), 'no local activity in the check’s task');
      }
      // ... and the workflow wrote its final state itself before it ended (an API that died before its write is covered)
      const lastWrite = events.findLastIndex((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
      assert.ok(lastWrite > answered[1], 'a projection write after the last check');
      const stored = await t.stack.db.prisma.verification.findUniqueOrThrow({ where: { id: created.body.id } });
      assert.deepEqual([stored.status, stored.attemptsRemaining], ['approved', 3]);
    });

    it('follows the SMS delivery through Twilio status callbacks (signed, validated, monotonic)', async () => {
      const phone = uniquePhone();
      const created = await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'sms' } });
      await eventually(async () => {
        const { body } = await t.request('GET', `/v1/verifications/${created.body.id}`);
        return body.sends[0]?.status === 'delivered' ? true : undefined;
      }, 'the delivered status');
      const [sms] = await smsFor(t, phone);
      const outbound = await t.stack.db.prisma.outboundMessage.findFirst({ where: { providerMessageId: sms.id } });
      assert.equal(outbound?.status, 'delivered');
      const inbox = await t.stack.db.prisma.inboxEvent.findMany({ where: { messageId: sms.id }, orderBy: { receivedAt: 'asc' } });
      assert.deepEqual(
        inbox.map((e) => e.eventKey),
        [`twilio:status:${sms.id}:sent`, `twilio:status:${sms.id}:delivered`],
      );
      assert.ok(inbox.every((e) => e.routedTo === verificationWorkflowId(created.body.id)));
    });

    it('signals the workflow no SMS receipt it does not act on: GET follows them from the outbound message', async () => {
      const phone = uniquePhone();
      const created = await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'sms' } });
      const [sms] = await eventually(async () => {
        const found = await smsFor(t, phone);
        return found.length ? found : undefined;
      }, 'the SMS');
      // both receipts ingested and finished: any signal they caused is in the history by now
      await eventually(async () => {
        const rows = await t.stack.db.prisma.inboxEvent.findMany({ where: { messageId: sms.id, processedAt: { not: null } } });
        return rows.length === 2 ? rows : undefined;
      }, 'sent and delivered ingested');
      // the send itself reaches the read model with the workflow's first write (the receipts may come before it)
      await eventually(async () => {
        const { body } = await t.request('GET', `/v1/verifications/${created.body.id}`);
        return body.sends[0]?.status === 'delivered' ? true : undefined;
      }, 'GET showing the SMS delivered');
      const handle = t.stack.client.workflow.getHandle(verificationWorkflowId(created.body.id));
      const signals = ((await handle.fetchHistory()).events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'messageStatus');
      assert.equal(signals.length, 0, 'neither sent nor delivered was signalled');
      const outbound = await t.stack.db.prisma.outboundMessage.findFirstOrThrow({ where: { providerMessageId: sms.id } });
      assert.deepEqual(outbound.signalledStatuses, ['failed']);
    });

    it('locks the verification after maxAttempts wrong codes, even against the right one', async () => {
      const phone = uniquePhone();
      const created = await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'sms', maxAttempts: 2 } });
      const code = await codeFromSms(t, phone, 0);
      const wrong = code === '123456' ? '654321' : '123456';
      const one = await t.request('POST', `/v1/verifications/${created.body.id}/checks`, { body: { code: wrong } });
      assert.deepEqual(one.body, { valid: false, status: 'pending', attemptsRemaining: 1 });
      const two = await t.request('POST', `/v1/verifications/${created.body.id}/checks`, { body: { code: wrong } });
      assert.deepEqual(two.body, { valid: false, status: 'max_attempts_reached', attemptsRemaining: 0 });
      const right = await t.request('POST', `/v1/verifications/${created.body.id}/checks`, { body: { code } });
      assert.deepEqual(right.body, { valid: false, status: 'max_attempts_reached', attemptsRemaining: 0 });
      assert.equal((await t.request('GET', `/v1/verifications/${created.body.id}`)).body.status, 'max_attempts_reached');
    });

    it('expires at expiresAt, after which the right code is refused with the reason', async function () {
      this.timeout(30_000);
      // The API's minimum TTL is 60 s; the service itself takes a shorter one so the test needs no long sleep.
      const service = verificationService(t);
      const phone = uniquePhone();
      const created = await service.create(await tenantOf(t), { to: phone, channel: 'sms', ttlSeconds: 2 });
      const code = await codeFromSms(t, phone, 0);
      await eventually(
        async () => ((await t.request('GET', `/v1/verifications/${created.id}`)).body.status === 'expired' ? true : undefined),
        'expiry',
        10_000,
      );
      const check = await t.request('POST', `/v1/verifications/${created.id}/checks`, { body: { code } });
      assert.deepEqual(check.body, { valid: false, status: 'expired', attemptsRemaining: 5 });
    });

    it('indexes the workflow by tenant and status with a masked phone number', async () => {
      const phone = uniquePhone();
      const created = await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'sms' } });
      const handle = t.stack.client.workflow.getHandle(verificationWorkflowId(created.body.id));
      const description = await handle.describe();
      assert.equal(description.typedSearchAttributes.get(TENANT), t.tenantId);
      assert.equal(description.typedSearchAttributes.get(STATUS), 'pending');
      assert.equal(description.typedSearchAttributes.get(PHONE), `+34******${phone.slice(-3)}`);
    });

    describe('bad requests start nothing and store nothing', () => {
      async function counts() {
        const rows = await t.stack.db.prisma.verification.count();
        const workflows = await t.stack.client.workflow.count(`TestigoTenant = '${t.tenantId}' AND TaskQueue = '${t.stack.config.temporal.taskQueue}'`);
        return { rows, workflows: workflows.count };
      }

      const cases: Array<[string, unknown, string[]]> = [
        ['a phone number that is not E.164', { to: '600111222', channel: 'sms' }, ['/to']],
        ['a phone number that is not a real number', { to: '+3400000', channel: 'sms' }, ['/to']],
        ['an unknown channel', { to: PHONE_NUMBER, channel: 'fax' }, ['/channel']],
        ['missing fields', {}, ['/to', '/channel']],
        [
          'out-of-range limits and an unknown field',
          { to: PHONE_NUMBER, channel: 'sms', codeLength: 3, ttlSeconds: 5000, maxAttempts: 0, colour: 'red' },
          ['/codeLength', '/ttlSeconds', '/maxAttempts', '/colour'],
        ],
      ];
      for (const [name, body, fields] of cases) {
        it(`400 for ${name}, naming ${fields.join(', ')}`, async () => {
          const before = await counts();
          const response = await t.request('POST', '/v1/verifications', { body });
          assert.equal(response.status, 400);
          assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
          assert.equal(response.body.status, 400);
          assert.equal(response.body.type, 'urn:testigo:problem:validation-error');
          assert.deepEqual(response.body.errors.map((e: { path: string }) => e.path).sort(), [...fields].sort());
          for (const error of response.body.errors) assert.ok(error.message.length > 3);
          assert.deepEqual(await counts(), before);
        });
      }

      it('400 for a body that is not JSON', async () => {
        const response = await fetch(`${t.url}/v1/verifications`, {
          method: 'POST',
          headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': 'application/json' },
          body: '{"to":',
        });
        assert.equal(response.status, 400);
        assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      });

      it('400 for a code that is not 4–10 digits, naming /code, without spending an attempt', async () => {
        const phone = uniquePhone();
        const created = await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'sms' } });
        const response = await t.request('POST', `/v1/verifications/${created.body.id}/checks`, { body: { code: '12a' } });
        assert.equal(response.status, 400);
        assert.deepEqual(
          response.body.errors.map((e: { path: string }) => e.path),
          ['/code'],
        );
        assert.equal((await t.request('GET', `/v1/verifications/${created.body.id}`)).body.attemptsRemaining, 5);
      });

      it('401 without an API key or with a wrong one, before looking at the body', async () => {
        const before = await counts();
        for (const apiKey of [null, 'tsk_wrong']) {
          const response = await t.request('POST', '/v1/verifications', { body: { to: PHONE_NUMBER, channel: 'sms' }, apiKey });
          assert.equal(response.status, 401);
          assert.equal(response.body.type, 'urn:testigo:problem:unauthorized');
          assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="testigo"');
        }
        const get = await t.request('GET', '/v1/verifications/ver_x', { apiKey: null });
        assert.equal(get.status, 401);
        assert.deepEqual(await counts(), before);
      });
    });

    it('404 for an unknown id and for another tenant’s verification', async () => {
      const unknown = await t.request('GET', '/v1/verifications/ver_doesnotexist');
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.type, 'urn:testigo:problem:not-found');
      const check = await t.request('POST', '/v1/verifications/ver_doesnotexist/checks', { body: { code: '123456' } });
      assert.equal(check.status, 404);

      const { ensureTenantWithKey } = await import('../../domain/tenants');
      await ensureTenantWithKey(t.stack.db.prisma, t.stack.keys, 'other', 'Other tenant', 'tsk_other_tenant_key');
      const mine = await t.request('POST', '/v1/verifications', { body: { to: uniquePhone(), channel: 'sms' } });
      const theirs = await t.request('GET', `/v1/verifications/${mine.body.id}`, { apiKey: 'tsk_other_tenant_key' });
      assert.equal(theirs.status, 404);
      const theirCheck = await t.request('POST', `/v1/verifications/${mine.body.id}/checks`, { body: { code: '123456' }, apiKey: 'tsk_other_tenant_key' });
      assert.equal(theirCheck.status, 404);
      assert.equal((await t.request('GET', `/v1/verifications/${mine.body.id}`)).body.attemptsRemaining, 5);
    });

    it('a check on a verification this API process knows goes to its workflow without reading the row; tenant scoping still holds', async () => {
      const phone = uniquePhone();
      const created = await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'sms' } });
      assert.equal(created.status, 201);
      const id = created.body.id as string;
      const code = await codeFromSms(t, phone, 0);
      const wrong = code === '000000' ? '111111' : '000000';
      // A read model that says something the workflow does not: only a check that reads the row answers from it.
      await t.stack.db.prisma.verification.update({ where: { id }, data: { status: 'canceled' } });

      // A process that has not seen this verification (a new service: another API process) reads the row first.
      const cold = await verificationService(t).check('default', id, wrong);
      assert.deepEqual(cold, { valid: false, status: 'canceled', attemptsRemaining: 5 });

      // The API that created it knows its owner and workflow: the check goes to the workflow, which takes the attempt.
      const known = await t.request('POST', `/v1/verifications/${id}/checks`, { body: { code: wrong } });
      assert.equal(known.status, 200);
      assert.deepEqual(known.body, { valid: false, status: 'pending', attemptsRemaining: 4 });
      assert.equal((await t.request('GET', `/v1/verifications/${id}`)).body.status, 'pending', 'the check wrote the state it left');

      // Knowing the owner is what scopes it: another tenant gets the 404 a missing verification gets, and spends nothing.
      const { ensureTenantWithKey } = await import('../../domain/tenants');
      await ensureTenantWithKey(t.stack.db.prisma, t.stack.keys, 'other', 'Other tenant', 'tsk_other_tenant_key');
      const theirs = await t.request('POST', `/v1/verifications/${id}/checks`, { body: { code }, apiKey: 'tsk_other_tenant_key' });
      assert.equal(theirs.status, 404);
      assert.equal(theirs.body.detail, `No verification ${id}.`);
      assert.equal((await t.request('GET', `/v1/verifications/${id}`)).body.attemptsRemaining, 4);

      // Once it is no longer pending, the workflow refuses the check and the answer comes from the read model, with why.
      assert.deepEqual((await t.request('POST', `/v1/verifications/${id}/checks`, { body: { code } })).body, {
        valid: true,
        status: 'approved',
        attemptsRemaining: 3,
      });
      const after = await t.request('POST', `/v1/verifications/${id}/checks`, { body: { code } });
      assert.deepEqual(after.body, { valid: false, status: 'approved', attemptsRemaining: 3 });
    });

    describe('Idempotency-Key', () => {
      it('replays the first response for the same key and body, and starts one verification', async () => {
        const phone = uniquePhone();
        const headers = { 'idempotency-key': `k-${Math.random()}` };
        const first = await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'sms' }, headers });
        const second = await t.request('POST', '/v1/verifications', { body: { channel: 'sms', to: phone }, headers });
        assert.equal(first.status, 201);
        assert.equal(second.status, 201);
        assert.deepEqual(second.body, first.body);
        assert.equal(second.headers.get('idempotent-replayed'), 'true');
        assert.equal(await t.stack.db.prisma.verification.count({ where: { to: phone } }), 1);
        await codeFromSms(t, phone, 0);
        await new Promise((r) => setTimeout(r, 300));
        assert.equal((await smsFor(t, phone)).length, 1);
      });

      it('answers 409 for the same key with another body, and stores nothing for it', async () => {
        const headers = { 'idempotency-key': `k-${Math.random()}` };
        const phone = uniquePhone();
        await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'sms' }, headers });
        const other = uniquePhone();
        const conflict = await t.request('POST', '/v1/verifications', { body: { to: other, channel: 'sms' }, headers });
        assert.equal(conflict.status, 409);
        assert.equal(conflict.body.type, 'urn:testigo:problem:idempotency-key-reused');
        assert.equal(await t.stack.db.prisma.verification.count({ where: { to: other } }), 0);
      });

      it('stores nothing for a request that failed validation, so the key can be reused', async () => {
        const headers = { 'idempotency-key': `k-${Math.random()}` };
        const bad = await t.request('POST', '/v1/verifications', { body: { to: 'nope', channel: 'sms' }, headers });
        assert.equal(bad.status, 400);
        const good = await t.request('POST', '/v1/verifications', { body: { to: uniquePhone(), channel: 'sms' }, headers });
        assert.equal(good.status, 201);
      });

      it('rejects a malformed key with a 400 naming the header', async () => {
        const response = await t.request('POST', '/v1/verifications', {
          body: { to: uniquePhone(), channel: 'sms' },
          headers: { 'idempotency-key': 'x'.repeat(300) },
        });
        assert.equal(response.status, 400);
        assert.deepEqual(response.body.errors, [{ path: 'Idempotency-Key', in: 'headers', message: 'must be 1–255 visible ASCII characters' }]);
      });

      it('makes a retried check count once', async () => {
        const phone = uniquePhone();
        const created = await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'sms' } });
        const code = await codeFromSms(t, phone, 0);
        const wrong = code === '999999' ? '888888' : '999999';
        const headers = { 'idempotency-key': `check-${Math.random()}` };
        const first = await t.request('POST', `/v1/verifications/${created.body.id}/checks`, { body: { code: wrong }, headers });
        const retry = await t.request('POST', `/v1/verifications/${created.body.id}/checks`, { body: { code: wrong }, headers });
        assert.deepEqual(first.body, { valid: false, status: 'pending', attemptsRemaining: 4 });
        assert.deepEqual(retry.body, first.body);
        assert.equal((await t.request('GET', `/v1/verifications/${created.body.id}`)).body.attemptsRemaining, 4);
      });
    });
  });
}
