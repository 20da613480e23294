// pkijs does its hashing, MAC checks and decryption through a WebCrypto engine; we hand it Node's explicitly so
// that nothing depends on pkijs guessing the global environment.
import { webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';

let engine: pkijs.CryptoEngine | undefined;

export function pkiEngine(): pkijs.CryptoEngine {
  engine ??= new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto });
  return engine;
}
