// Issue 9 §5, the provider webhooks: bad or missing signatures, wrong content types, oversized and deeply
// nested bodies are refused with nothing stored; correctly signed but generated payloads (Meta- and
// Twilio-shaped with one thing broken, unknown event shapes, arbitrary JSON) are acknowledged or refused,
// never a 5xx, and have no effect beyond the inbox rows and 24-hour windows the product keeps for every event —
// nothing is signalled to a workflow. Also the regressions for the 5xx the route suite found.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import twilio from 'twilio';
import { capturedLogs } from '../support/logs';
import { databases, startTestStack, type TestStack } from '../support/stack';
import { changedTables, rowCounts, settle, type Counts } from './support/effects';
import { send, type RawResponse } from './support/http';
import { hostileString, wrongValue, applyBreak, pointers } from './support/schema-arbitraries';
import { createFixture } from './fixture';
import { fcParameters, HOSTILE_SCALE } from './budget';

const RUNS = Math.max(1, Math.round(60 * HOSTILE_SCALE));
/** what a signed event may add: the inbox row of each event, and the customer's 24-hour window */
const EVENT_TABLES = ['inbox_event', 'conversation_window'];

const phone = fc.oneof(fc.constantFrom('34600111222', '+34600111222', '', '0', '1'.repeat(40)), hostileString);
const metaMessage = fc.record(
  {
    id: fc.oneof(fc.stringMatching(/^wamid\.[A-Za-z0-9]{4,30}$/), hostileString),
    from: phone,
    timestamp: fc.oneof(fc.constant(String(Math.floor(Date.now() / 1000))), fc.constantFrom('0', '-1', '1e309', 'NaN', '99999999999999'), hostileString),
    type: fc.constantFrom('text', 'button', 'interactive', 'document', 'image', 'reaction', 'unknown', 'system'),
    text: fc.record({ body: hostileString }),
    button: fc.record({ payload: hostileString, text: hostileString }),
    interactive: fc.record({ type: fc.constant('button_reply'), button_reply: fc.record({ id: hostileString, title: hostileString }) }),
    document: fc.record({ id: hostileString, filename: hostileString, mime_type: hostileString }),
    context: fc.record({ id: hostileString }),
  },
  { requiredKeys: ['id', 'from', 'timestamp', 'type'] },
);
const metaStatus = fc.record(
  {
    id: fc.oneof(fc.stringMatching(/^wamid\.[A-Za-z0-9]{4,30}$/), hostileString),
    status: fc.constantFrom('sent', 'delivered', 'read', 'failed', 'played', 'deleted', ''),
    timestamp: fc.oneof(fc.constant(String(Math.floor(Date.now() / 1000))), fc.constantFrom('0', 'NaN', '1e309'), hostileString),
    recipient_id: phone,
    errors: fc.array(fc.record({ code: fc.oneof(fc.integer(), hostileString), title: hostileString }), { maxLength: 2 }),
  },
  { requiredKeys: ['id', 'status', 'timestamp'] },
);
const metaPayload = fc.record({
  object: fc.constantFrom('whatsapp_business_account', 'page', ''),
  entry: fc.array(
    fc.record({
      id: fc.constant('200000000000002'),
      changes: fc.array(
        fc.record({
          field: fc.constantFrom('messages', 'message_template_status_update', 'account_update', ''),
          value: fc.record({
            messaging_product: fc.constant('whatsapp'),
            metadata: fc.record({ phone_number_id: fc.oneof(fc.constant('100000000000001'), hostileString) }),
            messages: fc.array(metaMessage, { maxLength: 2 }),
            statuses: fc.array(metaStatus, { maxLength: 2 }),
          }),
        }),
        { maxLength: 2 },
      ),
    }),
    { maxLength: 2 },
  ),
});

/** A Meta-shaped payload with one place broken (any node replaced by a wrong value or removed), or arbitrary JSON. */
const signedWhatsAppBody: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: metaPayload.map((v) => JSON.stringify(v)) },
  {
    weight: 4,
    arbitrary: metaPayload.chain((v) =>
      fc
        .record({ pointer: fc.constantFrom(...pointers(v)), value: wrongValue, remove: fc.boolean() })
        .map(
          ({ pointer, value, remove }) =>
            JSON.stringify(applyBreak(v, remove ? { kind: 'delete', pointer } : { kind: 'replace', pointer, value }).value) ?? 'null',
        ),
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '[',
      '{"entry":',
      '',
      '\u0000',
      `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      `${'{"entry":'.repeat(100_000)}1${'}'.repeat(100_000)}`,
    ),
  },
);

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  '',
];

for (const kind of databases()) {
  describe(`hostile input at the webhooks (${kind})`, function () {
    let t: TestStack;
    let baseline: Counts;
    let secret: string;
    let fixtureWorkflows: string[];

    before(async function () {
      this.timeout(180_000);
      t = await startTestStack(kind);
      secret = t.stack.config.whatsapp.appSecret!;
      await createFixture(t);
      baseline = await settle(t.stack.db.prisma, 1_500);
      fixtureWorkflows = [
        ...(await t.stack.db.prisma.verification.findMany({ select: { workflowId: true } })).map((r) => r.workflowId),
        ...(await t.stack.db.prisma.process.findMany({ select: { workflowId: true } })).map((r) => r.workflowId),
      ];
    });

    after(async function () {
      this.timeout(30_000);
      await t?.stop();
    });

    /** A WhatsApp webhook signed with the app secret, as Meta sends it. */
    function postSignedWhatsApp(body: string): Promise<RawResponse> {
      const raw = Buffer.from(body);
      const signature = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
      return send(t.url, {
        method: 'POST',
        path: '/webhooks/whatsapp',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
        body: raw,
      });
    }

    /** Signals received by the fixture's workflows: a generated webhook must not add one. */
    async function signalsReceived(): Promise<number> {
      let n = 0;
      for (const id of fixtureWorkflows) {
        const history = await t.stack.client.workflow.getHandle(id).fetchHistory();
        n += (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
      }
      return n;
    }

    /** Judges one webhook answer: never 5xx, refusals are problem+json and change nothing, acceptances change only EVENT_TABLES. */
    async function judged(res: RawResponse, what: string, refusals: number[]) {
      const text = `${what} → ${res.status} ${res.text.slice(0, 400)}`;
      assert.ok(res.status < 500, `a 5xx: ${text}`);
      const now = await rowCounts(t.stack.db.prisma);
      if (res.status >= 400) {
        assert.ok(refusals.includes(res.status), `refused with an unexpected status: ${text}`);
        assert.match(String(res.headers['content-type']), /^application\/problem\+json/, text);
        assert.deepEqual(changedTables(baseline, now), [], `a refusal changed rows (${changedTables(baseline, now).join(', ')}): ${text}`);
      } else {
        assert.deepEqual(
          changedTables(baseline, now).filter((table) => !EVENT_TABLES.includes(table)),
          [],
          `an acknowledged webhook changed more than the inbox (${changedTables(baseline, now).join(', ')}): ${text}`,
        );
        baseline = now;
      }
    }

    const noErrorLogs = (from: number, what: string) =>
      assert.deepEqual(
        capturedLogs.slice(from).filter((l) => /"level":(50|60)/.test(l)),
        [],
        `error-level log lines: ${what}`,
      );

    it('WhatsApp: unsigned, badly signed or wrongly typed bodies are refused and store nothing', async function () {
      this.timeout(300_000);
      const badSignature = fc.oneof(
        fc.constantFrom(undefined, '', 'sha256=', `sha256=${'0'.repeat(64)}`, 'sha1=abc', `sha256=${'g'.repeat(64)}`),
        hostileString.map((s) => s.slice(0, 2000).replace(/[^\t\x20-\x7e]/g, '?')),
      );
      await fc.assert(
        fc.asyncProperty(signedWhatsAppBody, badSignature, fc.constantFrom(...CONTENT_TYPES), async (body, signature, contentType) => {
          const from = capturedLogs.length;
          const headers: Record<string, string> = {
            ...(contentType ? { 'content-type': contentType } : {}),
            ...(signature === undefined ? {} : { 'x-hub-signature-256': signature }),
          };
          const res = await send(t.url, { method: 'POST', path: '/webhooks/whatsapp', headers, body: Buffer.from(body) });
          await judged(res, `POST /webhooks/whatsapp sig=${signature?.slice(0, 80)} ct=${contentType} body=${body.slice(0, 300)}`, [400, 401, 403, 413, 415]);
          assert.ok(res.status >= 400, `accepted without a valid signature: ${body.slice(0, 300)}`);
          noErrorLogs(from, body.slice(0, 300));
        }),
        fcParameters(RUNS),
      );
    });

    it('WhatsApp: correctly signed generated payloads are acknowledged or refused, never a 5xx, and signal nothing', async function () {
      this.timeout(300_000);
      const signalsBefore = await signalsReceived();
      await fc.assert(
        fc.asyncProperty(signedWhatsAppBody, async (body) => {
          const from = capturedLogs.length;
          const res = await postSignedWhatsApp(body);
          await judged(res, `signed POST /webhooks/whatsapp ${body.slice(0, 300)}`, [400, 413]);
          if (res.status === 200) assert.equal(res.json?.routed, 0, `routed to a workflow: ${body.slice(0, 300)}`);
          noErrorLogs(from, body.slice(0, 300));
        }),
        fcParameters(RUNS),
      );
      assert.equal(await signalsReceived(), signalsBefore, 'a generated webhook signalled a workflow');
    });

    it('Twilio: badly signed bodies are refused; correctly signed generated parameters are acknowledged without effect', async function () {
      this.timeout(300_000);
      const url = `${t.stack.config.publicBaseUrl}/webhooks/sms/twilio`;
      const params = fc.dictionary(
        fc.oneof(
          fc.constantFrom('MessageSid', 'SmsSid', 'MessageStatus', 'SmsStatus', 'From', 'To', 'Body', 'ErrorCode', 'ButtonPayload'),
          hostileString.map((s) => s.slice(0, 50)),
        ),
        fc.oneof(
          fc.constantFrom('received', 'delivered', 'failed', 'undelivered', 'whatsapp:+34600111222', '+34600111222', 'SM0000'),
          hostileString.map((s) => s.slice(0, 2000)),
        ),
        { maxKeys: 6 },
      );
      const signalsBefore = await signalsReceived();
      await fc.assert(
        fc.asyncProperty(params, fc.boolean(), fc.constantFrom(...CONTENT_TYPES), async (p, signed, contentType) => {
          const from = capturedLogs.length;
          const body = Buffer.from(new URLSearchParams(p).toString());
          const parsed = Object.fromEntries(new URLSearchParams(p));
          const signature = signed ? twilio.getExpectedTwilioSignature(t.stack.config.sms.twilioAuthToken, url, parsed) : 'bm90IGEgc2lnbmF0dXJl';
          const ct = signed ? 'application/x-www-form-urlencoded' : contentType;
          const res = await send(t.url, {
            method: 'POST',
            path: '/webhooks/sms/twilio',
            headers: { ...(ct ? { 'content-type': ct } : {}), 'x-twilio-signature': signature },
            body,
          });
          await judged(res, `POST /webhooks/sms/twilio signed=${signed} ${body.toString().slice(0, 300)}`, [400, 401, 413, 415]);
          if (!signed) assert.ok(res.status >= 400, 'accepted without a valid signature');
          noErrorLogs(from, body.toString().slice(0, 300));
        }),
        fcParameters(RUNS),
      );
      assert.equal(await signalsReceived(), signalsBefore, 'a generated webhook signalled a workflow');
    });

    it('refuses a body over the limit with 413 before reading it, signed or not', async function () {
      this.timeout(60_000);
      const huge = Buffer.alloc(31 * 1024 * 1024, 0x20);
      for (const path of ['/webhooks/whatsapp', '/webhooks/sms/twilio']) {
        const res = await send(t.url, { method: 'POST', path, headers: { 'content-type': 'application/json' }, body: huge });
        await judged(res, `${path} 31 MB`, [413]);
        assert.equal(res.status, 413);
      }
    });

    it('a signed event with a NUL in its id or text is stored without it, not a 500 (PostgreSQL text cannot hold U+0000; found by this suite in CI)', async () => {
      const body = JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '200000000000002',
            changes: [
              {
                field: 'messages',
                value: {
                  metadata: { phone_number_id: '100000000000001' },
                  messages: [{ id: `wamid.nul\u0000${Date.now()}`, from: '34699000333', timestamp: '1763700000', type: 'text', text: { body: 'a\u0000b' } }],
                  statuses: [{ id: 'wamid.\u0000', status: 'delivered', timestamp: '1763700000', recipient_id: '34699000333' }],
                },
              },
            ],
          },
        ],
      });
      const res = await postSignedWhatsApp(body);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.received, 2);
      baseline = await settle(t.stack.db.prisma, 1_500);
    });

    describe('regressions found by the route suite', () => {
      it('a multipart body without a boundary, or truncated, is a 400 naming the body (was a 500)', async () => {
        for (const path of ['/v1/evidence/verify', '/verify', '/v1/processes']) {
          for (const [contentType, body] of [
            ['multipart/form-data; boundary=', '-'],
            ['multipart/form-data', '--x\r\n'],
            ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF'],
          ]) {
            const res = await send(t.url, {
              method: 'POST',
              path,
              headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': contentType },
              body: Buffer.from(body),
            });
            assert.equal(res.status, 400, `${path} ${contentType}: ${res.status} ${res.text}`);
            // no boundary: the body; a truncated upload: the part it lacks (the file, the process)
            assert.ok(['body', 'file', 'process'].includes(res.json.errors[0].path), `${path}: ${res.text}`);
          }
        }
      });

      it('a malformed percent-encoding, a too long id and oversized headers are answered as problem+json (were Fastify’s own JSON)', async () => {
        const cases: Array<[string, Record<string, string>, number]> = [
          ['/v1/verifications/%', { authorization: `Bearer ${t.apiKey}` }, 400],
          [`/v1/verifications/ver_${'x'.repeat(200)}`, { authorization: `Bearer ${t.apiKey}` }, 414],
          ['/healthz', { 'x-big': 'x'.repeat(20_000) }, 431],
        ];
        for (const [path, headers, status] of cases) {
          const res = await send(t.url, { method: 'GET', path, headers });
          assert.equal(res.status, status, `${path}: ${res.text}`);
          assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
          assert.equal(res.json.status, status);
        }
        // the same refusal to a HEAD has no body (one would corrupt the client's reading of the connection)
        const head = await send(t.url, { method: 'HEAD', path: `/verify/${'x'.repeat(20_000)}`, headers: {} });
        assert.equal(head.status, 431);
        assert.equal(head.text, '');
      });

      it('a CORS preflight without Origin at the codec server is not a text/plain 400', async () => {
        const res = await send(t.url, { method: 'OPTIONS', path: '/codec/decode', headers: {} });
        assert.ok(res.status < 300, `${res.status} ${res.text}`);
      });
    });
  });
}
