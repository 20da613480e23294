// The OTP service beyond the first slice: resend and its cool-down, cancel, the per-phone send cap
// (also under concurrency), concurrent checks, failure when every channel failed, tenant settings,
// and signed callbacks seen by a real receiver.
import assert from 'node:assert/strict';
import type { VerificationService } from '../../services/verifications';
import { verifyCallback } from '../../domain/callback-signature';
import { callbackReceiver } from '../support/callback-receiver';
import { databases, eventually, startTestStack, tenantOf, type TestStack, verificationService } from '../support/stack';

let phoneSeq = Math.floor(Math.random() * 40_000_000);
/** Valid Spanish mobile numbers, one per test, so handsets and send caps do not mix. */
const uniquePhone = () => `+346${String(10_000_000 + phoneSeq++).padStart(8, '0')}`;

async function smsBodies(t: TestStack, phone: string): Promise<string[]> {
  const { body } = await t.request('GET', `/sandbox/api/phones/${encodeURIComponent(phone)}/sms`, { apiKey: null });
  return (body as Array<{ body: string }>).map((m) => m.body);
}

async function nthCode(t: TestStack, phone: string, n: number): Promise<string> {
  const body = await eventually(async () => (await smsBodies(t, phone))[n], `SMS #${n + 1}`);
  return /\b(\d{6})\b/.exec(body)![1];
}

for (const kind of databases()) {
  describe(`OTP service (${kind})`, function () {
    let t: TestStack;
    let service: VerificationService;

    before(async function () {
      this.timeout(120_000);
      t = await startTestStack(kind);
      // The service as the API uses it, for the few knobs the API keeps fixed (short cool-down / TTL).
      service = verificationService(t);
    });

    after(async function () {
      this.timeout(30_000);
      await t?.stop();
    });

    describe('resend', () => {
      it('is refused inside the 30 s cool-down with 429 and Retry-After', async () => {
        const phone = uniquePhone();
        const created = await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'sms' } });
        await nthCode(t, phone, 0);
        const response = await t.request('POST', `/v1/verifications/${created.body.id}/resend`, { body: {} });
        assert.equal(response.status, 429);
        assert.equal(response.body.type, 'urn:testigo:problem:resend-cooldown');
        const retryAfter = Number(response.headers.get('retry-after'));
        assert.ok(retryAfter >= 1 && retryAfter <= 30, `Retry-After ${retryAfter}`);
        assert.equal((await smsBodies(t, phone)).length, 1, 'nothing was sent');
      });

      it('sends the same code again after the cool-down, and the code still approves', async () => {
        const phone = uniquePhone();
        const created = await service.create(await tenantOf(t), { to: phone, channel: 'sms' }, { resendCooldownSeconds: 1 });
        const first = await nthCode(t, phone, 0);
        await new Promise((r) => setTimeout(r, 1100));
        const resent = await t.request('POST', `/v1/verifications/${created.id}/resend`, { body: { channel: 'sms' } });
        assert.equal(resent.status, 200);
        assert.equal(resent.body.sends.length, 2);
        assert.equal(await nthCode(t, phone, 1), first);
        const check = await t.request('POST', `/v1/verifications/${created.id}/checks`, { body: { code: first } });
        assert.deepEqual(check.body, { valid: true, status: 'approved', attemptsRemaining: 4 });
      });

      it('is a 409 on a verification that is no longer pending, and 400 for an unknown channel', async () => {
        const phone = uniquePhone();
        const created = await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'sms' } });
        assert.equal((await t.request('POST', `/v1/verifications/${created.body.id}/resend`, { body: { channel: 'fax' } })).status, 400);
        await t.request('POST', `/v1/verifications/${created.body.id}/cancel`);
        const response = await t.request('POST', `/v1/verifications/${created.body.id}/resend`, { body: {} });
        assert.equal(response.status, 409);
        assert.equal(response.body.verificationStatus, 'canceled');
      });
    });

    describe('cancel', () => {
      it('cancels a pending verification; checks then say canceled; a second cancel is a 409', async () => {
        const phone = uniquePhone();
        const created = await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'sms' } });
        const code = await nthCode(t, phone, 0);
        const canceled = await t.request('POST', `/v1/verifications/${created.body.id}/cancel`);
        assert.equal(canceled.status, 200);
        assert.equal(canceled.body.status, 'canceled');
        assert.deepEqual((await t.request('POST', `/v1/verifications/${created.body.id}/checks`, { body: { code } })).body, {
          valid: false,
          status: 'canceled',
          attemptsRemaining: 5,
        });
        const again = await t.request('POST', `/v1/verifications/${created.body.id}/cancel`);
        assert.equal(again.status, 409);
        assert.equal(again.body.type, 'urn:testigo:problem:verification-not-pending');
      });
    });

    describe('per-phone send cap', () => {
      it('allows 5 codes per phone in 10 minutes, then 429 with Retry-After; other phones and tenants are unaffected', async () => {
        const phone = uniquePhone();
        for (let i = 0; i < 5; i++) assert.equal((await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'sms' } })).status, 201);
        const before = await t.stack.db.prisma.verification.count({ where: { to: phone } });
        const sixth = await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'sms' } });
        assert.equal(sixth.status, 429);
        assert.equal(sixth.body.type, 'urn:testigo:problem:send-limit');
        assert.ok(Number(sixth.headers.get('retry-after')) > 500, 'the oldest send frees its slot in about 10 minutes');
        assert.ok(!JSON.stringify(sixth.body).includes(phone), 'the problem masks the phone number');
        assert.equal(await t.stack.db.prisma.verification.count({ where: { to: phone } }), before, 'nothing stored on a 429');
        assert.equal((await t.request('POST', '/v1/verifications', { body: { to: uniquePhone(), channel: 'sms' } })).status, 201);

        const { ensureTenantWithKey } = await import('../../domain/tenants');
        await ensureTenantWithKey(t.stack.db.prisma, t.stack.keys, 'cap-other', 'Other', 'tsk_cap_other_key');
        assert.equal((await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'sms' }, apiKey: 'tsk_cap_other_key' })).status, 201);
      });

      it('is exact under concurrency: 12 parallel requests for one phone start exactly 5', async () => {
        const phone = uniquePhone();
        const responses = await Promise.all(Array.from({ length: 12 }, () => t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'sms' } })));
        const statuses = responses.map((r) => r.status).sort();
        assert.deepEqual(statuses, [...Array(5).fill(201), ...Array(7).fill(429)]);
        assert.equal(await t.stack.db.prisma.verification.count({ where: { to: phone } }), 5);
      });

      it('counts resends too', async () => {
        const phone = uniquePhone();
        const created = await service.create(await tenantOf(t), { to: phone, channel: 'sms' }, { resendCooldownSeconds: 0 });
        await nthCode(t, phone, 0);
        for (let i = 0; i < 4; i++) assert.equal((await t.request('POST', `/v1/verifications/${created.id}/resend`, { body: {} })).status, 200);
        const refused = await t.request('POST', `/v1/verifications/${created.id}/resend`, { body: {} });
        assert.equal(refused.status, 429);
        assert.equal(refused.body.type, 'urn:testigo:problem:send-limit');
        await eventually(async () => ((await smsBodies(t, phone)).length === 5 ? true : undefined), '5 SMS');
      });
    });

    describe('concurrent checks', () => {
      it('10 parallel wrong checks never exceed maxAttempts', async () => {
        const phone = uniquePhone();
        const created = await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'sms', maxAttempts: 5 } });
        const code = await nthCode(t, phone, 0);
        const wrong = code === '000000' ? '000001' : '000000';
        const answers = await Promise.all(
          Array.from({ length: 10 }, () => t.request('POST', `/v1/verifications/${created.body.id}/checks`, { body: { code: wrong } })),
        );
        assert.ok(
          answers.every((a) => a.status === 200 && a.body.valid === false),
          JSON.stringify(answers.map((a) => [a.status, a.body])),
        );
        const remaining = answers.map((a) => a.body.attemptsRemaining);
        assert.ok(remaining.every((r) => r >= 0));
        // each attempt that counted got a distinct remaining count 4..0; the rest were told it is exhausted
        assert.deepEqual([...new Set(remaining)].sort(), [0, 1, 2, 3, 4]);
        assert.equal(answers.filter((a) => a.body.status === 'pending').length, 4);
        const final = await t.request('GET', `/v1/verifications/${created.body.id}`);
        assert.equal(final.body.status, 'max_attempts_reached');
        assert.equal(final.body.attemptsRemaining, 0);
      });

      it('two parallel correct checks approve once', async () => {
        const phone = uniquePhone();
        const created = await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'sms' } });
        const code = await nthCode(t, phone, 0);
        const answers = await Promise.all([0, 1].map(() => t.request('POST', `/v1/verifications/${created.body.id}/checks`, { body: { code } })));
        assert.deepEqual(answers.map((a) => a.body.valid).sort(), [false, true]);
        assert.ok(answers.every((a) => a.body.status === 'approved'));
      });
    });

    it('fails when every channel failed (SMS reported undelivered)', async () => {
      const phone = '+34699000000'; // the sandbox cannot deliver to numbers ending in 99000000
      const created = await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'sms' } });
      const failed = await eventually(async () => {
        const { body } = await t.request('GET', `/v1/verifications/${created.body.id}`);
        return body.status === 'failed' ? body : undefined;
      }, 'the failed status');
      assert.equal(failed.sends[0].status, 'failed');
      assert.equal(String(failed.sends[0].error), '30003');
    });

    it('uses the tenant’s brand and locale settings when a request gives none', async () => {
      const patched = await t.request('PATCH', '/v1/settings', { body: { brand: 'Banco Uno', defaultLocale: 'en' } });
      assert.equal(patched.status, 200);
      assert.equal(patched.body.brand, 'Banco Uno');
      try {
        const phone = uniquePhone();
        await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'sms' } });
        const body = await eventually(async () => (await smsBodies(t, phone))[0], 'the SMS');
        assert.match(body, /^Banco Uno: your verification code is \d{6}\./);
        assert.equal((await t.request('PATCH', '/v1/settings', { body: { brand: 'x'.repeat(41) } })).status, 400);
      } finally {
        await t.request('PATCH', '/v1/settings', { body: { brand: null, defaultLocale: null } });
      }
      assert.equal((await t.request('GET', '/v1/settings')).body.brand, null);
    });

    describe('signed callbacks', () => {
      it('posts each terminal event once, signed with the tenant’s secret', async function () {
        this.timeout(60_000);
        const receiver = await callbackReceiver();
        try {
          const secret = (await t.request('GET', '/v1/settings')).body.callbackSecret as string;
          assert.match(secret, /^whsec_/);
          const make = (extra: object = {}) =>
            t.request('POST', '/v1/verifications', { body: { to: uniquePhone(), channel: 'sms', callbackUrl: receiver.url, ...extra } });

          const approved = await make();
          const approvedCode = await nthCode(t, (await t.stack.db.prisma.verification.findUniqueOrThrow({ where: { id: approved.body.id } })).to, 0);
          await t.request('POST', `/v1/verifications/${approved.body.id}/checks`, { body: { code: approvedCode } });

          const canceled = await make();
          await t.request('POST', `/v1/verifications/${canceled.body.id}/cancel`);

          const exhausted = await make({ maxAttempts: 1 });
          await eventually(async () => ((await t.request('GET', `/v1/verifications/${exhausted.body.id}`)).body.sends.length ? true : undefined), 'the send');
          await t.request('POST', `/v1/verifications/${exhausted.body.id}/checks`, { body: { code: '0000000' } });

          const expired = await service.create(await tenantOf(t), { to: uniquePhone(), channel: 'sms', ttlSeconds: 1, callbackUrl: receiver.url });

          // the sandbox cannot deliver to numbers ending in 99000000: every channel failed
          const failed = await t.request('POST', '/v1/verifications', { body: { to: '+34699000000', channel: 'sms', callbackUrl: receiver.url } });

          const expected = new Map([
            [approved.body.id, 'verification.approved'],
            [canceled.body.id, 'verification.canceled'],
            [exhausted.body.id, 'verification.max_attempts_reached'],
            [expired.id, 'verification.expired'],
            [failed.body.id, 'verification.failed'],
          ]);
          await eventually(async () => (receiver.received.length >= expected.size ? true : undefined), 'five callbacks', 30_000);
          await new Promise((r) => setTimeout(r, 300));
          assert.equal(receiver.received.length, expected.size, 'each event once');
          for (const { headers, raw, body } of receiver.received) {
            assert.ok(verifyCallback(secret, raw, String(headers['testigo-signature'])), 'the signature verifies');
            assert.ok(!verifyCallback(secret, raw.replace('"data"', '"dat4"'), String(headers['testigo-signature'])), 'a changed body does not');
            assert.equal(body.type, expected.get(body.data.id));
            assert.match(body.id, /^evt_/);
            assert.equal(body.data.status, body.type.replace('verification.', ''));
            assert.match(body.data.to, /^\+34\*+\d{3}$/, 'the phone is masked');
          }
        } finally {
          await receiver.close();
        }
      });

      it('retries a refused delivery with the same event id', async function () {
        this.timeout(60_000);
        const receiver = await callbackReceiver(1);
        try {
          const created = await t.request('POST', '/v1/verifications', { body: { to: uniquePhone(), channel: 'sms', callbackUrl: receiver.url } });
          await t.request('POST', `/v1/verifications/${created.body.id}/cancel`);
          await eventually(async () => (receiver.received.length >= 2 ? true : undefined), 'the retried callback', 30_000);
          assert.equal(receiver.received[0].body.id, receiver.received[1].body.id);
        } finally {
          await receiver.close();
        }
      });

      it('rejects a callback URL that is not http(s)', async () => {
        const response = await t.request('POST', '/v1/verifications', { body: { to: uniquePhone(), channel: 'sms', callbackUrl: 'ftp://example.com/x' } });
        assert.equal(response.status, 400);
        assert.deepEqual(
          response.body.errors.map((e: { path: string }) => e.path),
          ['/callbackUrl'],
        );
      });
    });
  });
}
