// The code, the API key and the full phone number never appear in clear in Temporal history (raw,
// and even after decoding with the codec), in any table, or in the logs. A 10-digit code makes a
// chance match with other digits in history or logs practically impossible.
import assert from 'node:assert/strict';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { verificationWorkflowId } from '../../shared/verification';
import { workflowBundle } from '../../worker/create-worker';
import { capturedLogs } from '../support/logs';
import { databases, eventually, startTestStack, type TestStack } from '../support/stack';

const TABLES = ['tenant', 'api_key', 'idempotency_key', 'verification', 'otp_code', 'outbound_message'];

for (const kind of databases()) {
  describe(`secrets stay secret (${kind})`, function () {
    let t: TestStack;
    let code: string;
    let wrongCode: string;
    let verificationId: string;
    const phone = '+34612345678';

    before(async function () {
      this.timeout(120_000);
      t = await startTestStack(kind);
      const created = await t.request('POST', '/v1/verifications', {
        body: { to: phone, channel: 'sms', codeLength: 10 },
        headers: { 'idempotency-key': 'secrets-test' },
      });
      assert.equal(created.status, 201);
      verificationId = created.body.id;
      const sms = await eventually(async () => {
        const list = (await t.request('GET', `/sandbox/api/phones/${encodeURIComponent(phone)}/sms`, { apiKey: null })).body;
        return list[0];
      }, 'the SMS');
      code = /\b(\d{10})\b/.exec(sms.body)![1];
      wrongCode = code.split('').reverse().join('') === code ? '0123456789' : code.split('').reverse().join('');
      assert.equal((await t.request('POST', `/v1/verifications/${verificationId}/checks`, { body: { code: wrongCode } })).body.valid, false);
      assert.equal((await t.request('POST', `/v1/verifications/${verificationId}/checks`, { body: { code } })).body.valid, true);
      await t.stack.client.workflow.getHandle(verificationWorkflowId(verificationId)).result();
    });

    after(async function () {
      this.timeout(30_000);
      await t?.stop();
    });

    const secrets = () => ({ code, wrongCode, apiKey: t.apiKey, phone, phoneDigits: phone.slice(1) });

    function assertAbsent(where: string, text: string) {
      for (const [name, secret] of Object.entries(secrets())) {
        assert.ok(!text.includes(secret), `${name} appears in clear in ${where}`);
      }
    }

    it('is absent from the raw Temporal history, which is encrypted', async () => {
      const history = await t.stack.client.workflow.getHandle(verificationWorkflowId(verificationId)).fetchHistory();
      const History = proto.temporal.api.history.v1.History;
      // the bytes as stored by the server, and a readable form with every bytes field in base64
      assertAbsent('the raw history', Buffer.from(History.encode(history).finish()).toString('latin1'));
      const readable = History.toObject(History.fromObject(history), { bytes: String, longs: String, enums: String });
      assertAbsent('the raw history (JSON)', JSON.stringify(readable));
      // Every payload is encrypted, except search attributes, which Temporal must index (the phone
      // there is masked, see the verifications suite), and the markers' bookkeeping that the SDK's core writes itself:
      // a local activity's sequence number, attempt and times; a patch's id (workflows/verification.ts).
      const encodings: string[] = [];
      const sdkBookkeeping = /markerRecordedEventAttributes\.details\.(data|patch-data)$/;
      const collect = (node: unknown, key = ''): void => {
        if (key.endsWith('searchAttributes') || sdkBookkeeping.test(key) || !node || typeof node !== 'object') return;
        const metadata = (node as { metadata?: Record<string, string> }).metadata;
        if (metadata?.encoding) encodings.push(Buffer.from(metadata.encoding, 'base64').toString());
        for (const [k, v] of Object.entries(node)) collect(v, `${key}.${k}`);
      };
      collect(readable);
      assert.ok(encodings.length > 5);
      assert.deepEqual([...new Set(encodings)], ['binary/encrypted']);
    });

    it('is absent from the decoded history too: only keyed hashes travel through Temporal', async () => {
      const history = await t.stack.client.workflow.getHandle(verificationWorkflowId(verificationId)).fetchHistory();
      const { AesGcmCodec } = await import('../../platform/codec');
      const codec = new AesGcmCodec([{ id: t.stack.keys.payloadKeyId, key: t.stack.keys.payload }]);
      const decoded: string[] = [];
      const visit = async (node: unknown): Promise<void> => {
        if (Array.isArray(node)) {
          for (const item of node) await visit(item);
        } else if (node && typeof node === 'object') {
          const payloads = (node as { payloads?: unknown }).payloads;
          if (Array.isArray(payloads) && payloads.every((p) => p && typeof p === 'object' && 'metadata' in p)) {
            for (const p of await codec.decode(payloads as never)) decoded.push(Buffer.from(p.data ?? []).toString());
          }
          for (const value of Object.values(node)) await visit(value);
        }
      };
      await visit(history);
      assert.ok(
        decoded.some((d) => d.includes('attemptHash')),
        'the decoded history carries the check updates',
      );
      const text = decoded.join('\n');
      for (const secret of [code, wrongCode, t.apiKey]) assert.ok(!text.includes(secret));
    });

    it('is absent from every table', async () => {
      for (const table of TABLES) {
        const rows = await t.stack.db.prisma.$queryRawUnsafe<unknown[]>(`SELECT * FROM "${table}"`);
        const text = JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
        for (const secret of [code, wrongCode, t.apiKey]) assert.ok(!text.includes(secret), `a secret appears in table ${table}`);
      }
      const codes = await t.stack.db.prisma.otpCode.findMany({ where: { subjectId: verificationId } });
      assert.equal(codes.length, 1);
      assert.match(codes[0].codeHash, /^[A-Za-z0-9_-]{43}$/);
    });

    it('is absent from the logs (debug level), where phone numbers are masked', () => {
      const logs = capturedLogs.join('');
      assert.ok(logs.includes(verificationId), 'the logs cover this verification');
      assert.ok(logs.includes('/sandbox/api/phones/'), 'the logs cover the sandbox requests that carry the phone');
      assertAbsent('the logs', logs);
      assert.ok(!logs.includes(encodeURIComponent(phone)));
    });

    it('replays deterministically from its real history', async function () {
      this.timeout(30_000);
      const history = await t.stack.client.workflow.getHandle(verificationWorkflowId(verificationId)).fetchHistory();
      await Worker.runReplayHistory(
        {
          workflowBundle: await workflowBundle(),
          dataConverter: {
            payloadCodecs: [new (await import('../../platform/codec')).AesGcmCodec([{ id: t.stack.keys.payloadKeyId, key: t.stack.keys.payload }])],
          },
        },
        history,
        verificationWorkflowId(verificationId),
      );
    });
  });
}
