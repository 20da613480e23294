// AES-256-GCM payload codec and the proto3-JSON payload form of the codec server.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { AesGcmCodec, ENCODING, payloadFromJson, payloadToJson } from '../../platform/codec';

const OLD = { id: 'old-key', key: randomBytes(32) };
const NEW = { id: 'new-key', key: randomBytes(32) };

const str = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString() : undefined);

function normalize(p: Payload) {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('hex')])),
    data: p.data ? Buffer.from(p.data).toString('hex') : '',
  };
}

const SECRET = 'the-secret-phone-+34600111222';

describe('AesGcmCodec', () => {
  const samples: Payload[] = [
    defaultPayloadConverter.toPayload({ to: SECRET, nested: { n: 1, list: [1, 'two', null] } }),
    defaultPayloadConverter.toPayload('a plain string'),
    defaultPayloadConverter.toPayload(42),
    defaultPayloadConverter.toPayload(null),
    defaultPayloadConverter.toPayload(undefined),
    defaultPayloadConverter.toPayload(new Uint8Array([0, 1, 2, 255])),
  ];

  it('needs at least one key', () => {
    assert.throws(() => new AesGcmCodec([]), /at least one key/);
  });

  it('round-trips payloads: decode(encode(p)) restores metadata and data', async () => {
    const codec = new AesGcmCodec([NEW]);
    const decoded = await codec.decode(await codec.encode(samples));
    assert.equal(decoded.length, samples.length);
    decoded.forEach((p, i) => assert.deepEqual(normalize(p), normalize(samples[i]), `payload ${i}`));
    assert.deepEqual(defaultPayloadConverter.fromPayload(decoded[0]), { to: SECRET, nested: { n: 1, list: [1, 'two', null] } });
    assert.equal(defaultPayloadConverter.fromPayload(decoded[2]), 42);
  });

  it('marks encoded payloads as binary/encrypted with the key id, and hides the plaintext', async () => {
    const codec = new AesGcmCodec([NEW]);
    const [encoded] = await codec.encode([samples[0]]);
    assert.equal(ENCODING, 'binary/encrypted');
    assert.equal(str(encoded.metadata?.[METADATA_ENCODING_KEY]), 'binary/encrypted');
    assert.equal(str(encoded.metadata?.['encryption-key-id']), 'new-key');
    assert.deepEqual(Object.keys(encoded.metadata ?? {}).sort(), [METADATA_ENCODING_KEY, 'encryption-key-id'].sort());
    const data = Buffer.from(encoded.data!);
    assert.ok(!data.includes(Buffer.from(SECRET)), 'ciphertext contains the plaintext');
    assert.ok(!data.includes(Buffer.from('json/plain')), 'ciphertext contains the inner encoding');
    // 12-byte IV + ciphertext + 16-byte tag
    assert.ok(data.length >= 12 + 16 + Buffer.from(samples[0].data!).length);
  });

  it('encrypts the same payload differently each time (random IV)', async () => {
    const codec = new AesGcmCodec([NEW]);
    const [a] = await codec.encode([samples[0]]);
    const [b] = await codec.encode([samples[0]]);
    assert.notDeepEqual(Buffer.from(a.data!), Buffer.from(b.data!));
    assert.notDeepEqual(Buffer.from(a.data!).subarray(0, 12), Buffer.from(b.data!).subarray(0, 12));
    const [da, db] = await codec.decode([a, b]);
    assert.deepEqual(normalize(da), normalize(db));
  });

  it('refuses to decode a payload with a flipped byte (ciphertext, IV or tag)', async () => {
    const codec = new AesGcmCodec([NEW]);
    const [encoded] = await codec.encode([samples[0]]);
    const length = encoded.data!.length;
    for (const index of [0, 12, Math.floor(length / 2), length - 1]) {
      const data = Buffer.from(encoded.data!);
      data[index] ^= 0x01;
      await assert.rejects(codec.decode([{ metadata: encoded.metadata, data }]), Error, `flipped byte ${index}`);
    }
  });

  it('refuses a payload encrypted with an unknown key id, or without a key id', async () => {
    const [encoded] = await new AesGcmCodec([OLD]).encode([samples[0]]);
    await assert.rejects(new AesGcmCodec([NEW]).decode([encoded]), /No key for encrypted payload \(key id old-key\)/);
    const noId = { metadata: { [METADATA_ENCODING_KEY]: Buffer.from(ENCODING) }, data: encoded.data };
    await assert.rejects(new AesGcmCodec([OLD]).decode([noId]), /key id missing/);
  });

  it('refuses a payload encrypted with another key under the same id', async () => {
    const [encoded] = await new AesGcmCodec([{ id: 'k', key: randomBytes(32) }]).encode([samples[0]]);
    await assert.rejects(new AesGcmCodec([{ id: 'k', key: randomBytes(32) }]).decode([encoded]));
  });

  it('refuses an encrypted payload too short to hold IV and tag', async () => {
    const codec = new AesGcmCodec([NEW]);
    const metadata = { [METADATA_ENCODING_KEY]: Buffer.from(ENCODING), 'encryption-key-id': Buffer.from('new-key') };
    await assert.rejects(codec.decode([{ metadata, data: new Uint8Array(27) }]), /too short/);
    await assert.rejects(codec.decode([{ metadata }]), /too short/);
  });

  it('passes payloads that are not binary/encrypted through decode unchanged', async () => {
    const codec = new AesGcmCodec([NEW]);
    const plain = [...samples, {}, { metadata: {} }];
    const decoded = await codec.decode(plain);
    decoded.forEach((p, i) => assert.equal(p, plain[i], `payload ${i} is the same object`));
  });

  it('rotates keys: [new, old] decodes what [old] encoded, and encodes with the new key', async () => {
    const oldCodec = new AesGcmCodec([OLD]);
    const rotated = new AesGcmCodec([NEW, OLD]);
    const [byOld] = await oldCodec.encode([samples[0]]);
    const [decoded] = await rotated.decode([byOld]);
    assert.deepEqual(normalize(decoded), normalize(samples[0]));

    const [byRotated] = await rotated.encode([samples[0]]);
    assert.equal(str(byRotated.metadata?.['encryption-key-id']), 'new-key');
    await assert.rejects(oldCodec.decode([byRotated]), /key id new-key/);
    assert.deepEqual(normalize((await new AesGcmCodec([NEW]).decode([byRotated]))[0]), normalize(samples[0]));
  });
});

describe('payloadToJson / payloadFromJson', () => {
  it('writes every bytes field as base64', () => {
    const payload = defaultPayloadConverter.toPayload({ a: 1 });
    const json = payloadToJson(payload);
    assert.equal(json.metadata?.[METADATA_ENCODING_KEY], Buffer.from('json/plain').toString('base64'));
    assert.equal(json.data, Buffer.from('{"a":1}').toString('base64'));
  });

  it('round-trips plain and encrypted payloads, through JSON text too', async () => {
    const codec = new AesGcmCodec([NEW]);
    const payloads = [
      defaultPayloadConverter.toPayload({ to: SECRET }),
      { metadata: { bin: new Uint8Array([0, 255, 128, 10]) }, data: new Uint8Array(Array.from({ length: 256 }, (_, i) => i)) },
      ...(await codec.encode([defaultPayloadConverter.toPayload('x')])),
    ];
    for (const p of payloads) {
      const back = payloadFromJson(JSON.parse(JSON.stringify(payloadToJson(p))));
      assert.deepEqual(normalize(back), normalize(p));
    }
    const [restored] = await codec.decode([payloadFromJson(payloadToJson(payloads[2]))]);
    assert.equal(defaultPayloadConverter.fromPayload(restored), 'x');
  });

  it('handles missing metadata and data', () => {
    assert.deepEqual(payloadToJson({}), { metadata: {}, data: undefined });
    const p = payloadFromJson({});
    assert.deepEqual(p.metadata, {});
    assert.equal(p.data, undefined);
  });
});
