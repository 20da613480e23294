// The committed histories' payloads are encrypted like every history: with this fixed, test-only key
// (never a deployment's), so the replay test can decode them.
import { AesGcmCodec } from '../../platform/codec';
import { deriveKeys } from '../../platform/keys';

export const REPLAY_PAYLOAD_KEY = Buffer.from('testigo replay fixtures key 0001').toString('base64');

export function replayCodec(): AesGcmCodec {
  const keys = deriveKeys(Buffer.from(REPLAY_PAYLOAD_KEY, 'base64'));
  return new AesGcmCodec([{ id: keys.payloadKeyId, key: keys.payload }]);
}

export const HISTORIES_DIR = new URL('./histories/', import.meta.url);
