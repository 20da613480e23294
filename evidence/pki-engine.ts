// pkijs does its hashing and signature checks through a WebCrypto engine; the verifiers hand it Node's explicitly, so
// that nothing depends on pkijs guessing the global environment. (sealing/ has its own: it may not import evidence/.)
import { webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';

let engine: pkijs.CryptoEngine | undefined;

export function pkiEngine(): pkijs.CryptoEngine {
  engine ??= new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto });
  return engine;
}
