// AES-256-GCM payload codec (Temporal's encryption sample, with node:crypto). Every payload the
// client or the worker sends to Temporal — workflow inputs, activity inputs and results, update
// arguments — is stored encrypted in history; operators read it through the codec server.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec, ValueError } from '@temporalio/common';
import proto from '@temporalio/proto';

const { temporal } = proto;

export const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const IV_LENGTH = 12;
const TAG_LENGTH = 16;

export class AesGcmCodec implements PayloadCodec {
  /** keys by id: the first one encrypts, all of them decrypt (rotation) */
  constructor(private readonly keys: Array<{ id: string; key: Buffer }>) {
    if (keys.length === 0) throw new Error('AesGcmCodec needs at least one key');
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keys[0];
    return payloads.map((payload) => {
      const iv = randomBytes(IV_LENGTH);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: Buffer.from(ENCODING), [KEY_ID]: Buffer.from(id) },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || Buffer.from(encoding).toString() !== ENCODING) return payload;
      const keyId = payload.metadata?.[KEY_ID] ? Buffer.from(payload.metadata[KEY_ID]).toString() : undefined;
      const entry = this.keys.find((k) => k.id === keyId);
      if (!entry) throw new ValueError(`No key for encrypted payload (key id ${keyId ?? 'missing'})`);
      if (!payload.data || payload.data.length < IV_LENGTH + TAG_LENGTH) throw new ValueError('Encrypted payload too short');
      const data = Buffer.from(payload.data);
      const decipher = createDecipheriv('aes-256-gcm', entry.key, data.subarray(0, IV_LENGTH));
      decipher.setAuthTag(data.subarray(data.length - TAG_LENGTH));
      const plain = Buffer.concat([decipher.update(data.subarray(IV_LENGTH, data.length - TAG_LENGTH)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

/** proto3-JSON form used by the codec server contract: every bytes field is base64. */
export interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

export function payloadFromJson(p: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: p.data !== undefined ? Buffer.from(p.data, 'base64') : undefined,
  };
}

export function payloadToJson(p: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: p.data ? Buffer.from(p.data).toString('base64') : undefined,
  };
}
